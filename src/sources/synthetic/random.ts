/**
 * Deterministic randomness for set-based generation inside DuckDB.
 *
 * Every random quantity is a pure function of (seed, key columns, tag): DuckDB's hash() of those
 * integers, hashed once more, keeping the top 53 bits, divided by 2^53 gives a uniform number in
 * [0, 1). The second hash matters: hash(a, b, c) combines its arguments' hashes with a multiply
 * and XOR, so uniforms that differ only in the tag would be strongly correlated (r ≈ 0.5) without
 * the final avalanche; with it they are independent (test/generator/random.test.ts). No state,
 * no random(): the same seed and population size give the same store, whatever the thread
 * scheduling, and any row can be recomputed alone.
 *
 * The helpers return SQL expression text. Their inputs are column names and integer tags written
 * by this module's callers (never user text); the seed is a validated safe integer.
 */

/** A validated non-negative safe integer, printed as an SQL literal. */
export function sqlInt(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer for SQL: ${n}`);
  return String(n);
}

/** A finite number printed as an SQL DOUBLE literal. */
export function sqlNum(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number for SQL: ${x}`);
  return `${x}::DOUBLE`;
}

/** An ISO date printed as an SQL DATE literal. */
export function sqlDate(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`not an ISO date: ${iso}`);
  return `DATE '${iso}'`;
}

export class Rng {
  constructor(readonly seed: number) {
    sqlInt(seed);
  }

  /** Uniform [0, 1) keyed on the given SQL expressions (usually an id and a slot number) and a tag. */
  u(tag: number, ...keys: string[]): string {
    return `((hash(hash(${keys.join(', ')}, ${sqlInt(this.seed)}, ${sqlInt(tag)})) >> 11)::DOUBLE / 9007199254740992.0)`;
  }

  /**
   * 64 random bits (a UBIGINT) keyed like u(). For hot paths that need several uniforms per row:
   * slice them with uniformFromBits() instead of hashing once per uniform.
   */
  bits(tag: number, ...keys: string[]): string {
    return `hash(hash(${keys.join(', ')}, ${sqlInt(this.seed)}, ${sqlInt(tag)}))`;
  }

  /** Standard normal by Box–Muller from two uniforms. */
  normal(tag: number, ...keys: string[]): string {
    return `(sqrt(-2.0 * ln(1.0 - ${this.u(tag, ...keys)})) * cos(6.283185307179586 * ${this.u(tag + 50000, ...keys)}))`;
  }

  /** Exponential with the given mean (SQL expression or number). */
  exp(tag: number, mean: string | number, ...keys: string[]): string {
    const m = typeof mean === 'number' ? sqlNum(mean) : `(${mean})`;
    return `(-ln(1.0 - ${this.u(tag, ...keys)}) * ${m})`;
  }

  /** Integer in [0, n). */
  int(tag: number, n: string | number, ...keys: string[]): string {
    const nn = typeof n === 'number' ? sqlInt(n) : `(${n})`;
    return `floor(${this.u(tag, ...keys)} * ${nn})::BIGINT`;
  }
}

/**
 * Uniform [0, 1) from slice k (0, 1 or 2) of 64 random bits in column `col`: three independent
 * 21-bit uniforms (resolution 1/2,097,152, ample for choices and for dates within decades).
 */
export function uniformFromBits(col: string, k: 0 | 1 | 2): string {
  const shift = [43, 22, 1][k] as number;
  return `(((${col} >> ${shift}) & 2097151)::DOUBLE / 2097152.0)`;
}

/**
 * Tags: one per independent random quantity. Changing a tag changes the population, so they are
 * listed once here rather than scattered as literals.
 */
export const TAG = {
  practice: 1,
  stock: 2,
  newborn: 3,
  entry: 4,
  ageCell: 5,
  ageWithin: 6,
  sexNewborn: 7,
  priorYears: 8,
  leave: 9,
  death: 10,
  transfer: 11,
  transferGap: 12,
  transferPractice: 13,
  transferSameNetwork: 14,
  leave2: 15,
  imd: 16,
  cardiometabolic: 17,
  smoker: 18,
  dm: 20,
  dmOnset: 21,
  hyp: 22,
  hypOnset: 23,
  chd: 24,
  chdOnset: 25,
  mi: 26,
  stroke: 27,
  strokeOnset: 28,
  tia: 29,
  copd: 30,
  copdOnset: 31,
  copdDelay: 32,
  copdCaseFind: 33,
  copdCaseFindYes: 34,
  resolved: 35,
  resolvedDelay: 36,
  code: 37,
  diagDelay: 38,
  dmPhase: 40,
  dmAttend: 41,
  dmJitter: 42,
  dmItem: 43,
  dmCarePlan: 44,
  dmValue: 45,
  dmTreat: 46,
  dmTreatDelay: 47,
  retinal: 48,
  retinalPhase: 49,
  copdPhase: 60,
  copdAttend: 61,
  copdMrc: 62,
  copdPr: 63,
  copdSmoke: 64,
  copdCarePlan: 65,
  copdAdmit: 66,
  cvdPhase: 70,
  cvdAttend: 71,
  cvdCarePlan: 72,
  statin: 73,
  statinStart: 74,
  miReview: 75,
  cardiacRehab: 76,
  cvdValue: 77,
  hypPhase: 80,
  hypAttend: 81,
  generalBp: 82,
  flu: 90,
  fluDay: 91,
  fluDrug: 92,
  mmr: 100,
  mmrDelay: 101,
  mmrRecall: 102,
  mmr2: 103,
  // Childhood doses other than MMR (new streams: the MMR streams above are untouched).
  primaryCourse: 104,
  primaryDelay: 105,
  booster: 106,
  boosterDelay: 107,
  consultCount: 110,
  consultDate: 111,
  consultWho: 112,
  consultMode: 113,
  consultRate: 114,
  usualGp: 115,
  smokingCheck: 120,
  opportunistic: 121,
  benchmark: 130,
  miFatal: 140,
  miDeathDay: 141,
  cvdTreat: 142,
  cvdTreatDelay: 143,
  miLateReview: 144,
} as const;
