/**
 * Exact rational numbers on BigInt, for achievement and shares. Money is never a float in
 * gpnet: a payment is an integer number of pence times an exact ratio, rounded once.
 */
export interface Ratio {
  readonly num: bigint;
  /** Always positive. */
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function ratio(num: bigint, den: bigint): Ratio {
  if (den === 0n) throw new Error('ratio with a zero denominator');
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export const ZERO: Ratio = { num: 0n, den: 1n };
export const ONE: Ratio = { num: 1n, den: 1n };

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * A decimal written in a file (a threshold such as 86.5 or 7.5) as an exact ratio.
 * Numbers are read through their shortest decimal form, so 86.5 is 173/2, not the nearest
 * binary fraction. Returns null for numbers with more than `maxPlaces` decimals or in exponent form.
 */
export function fromDecimal(value: number, maxPlaces = 6): Ratio | null {
  if (!Number.isFinite(value)) return null;
  const m = DECIMAL.exec(String(value));
  if (!m) return null;
  const places = m[3]?.length ?? 0;
  if (places > maxPlaces) return null;
  const digits = BigInt(`${m[2]}${m[3] ?? ''}`);
  return ratio(m[1] ? -digits : digits, 10n ** BigInt(places));
}

/** A measured floating-point value (a mean, a rate) rounded to `places` decimals, as a ratio. */
export function fromMeasured(value: number, places = 6): Ratio {
  const scale = 10 ** places;
  return ratio(BigInt(Math.round(value * scale)), BigInt(scale));
}

export function compare(a: Ratio, b: Ratio): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function sub(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function div(a: Ratio, b: Ratio): Ratio {
  if (b.num === 0n) throw new Error('division by zero');
  return ratio(a.num * b.den, a.den * b.num);
}

export function clamp01(r: Ratio): Ratio {
  if (compare(r, ZERO) <= 0) return ZERO;
  if (compare(r, ONE) >= 0) return ONE;
  return r;
}

/** For display only: the ratio as a float. */
export function toNumber(r: Ratio): number {
  return Number(r.num) / Number(r.den);
}

/** For display and JSON: the ratio rounded (half up) to `places` decimals, e.g. "0.437500". */
export function toFixed(r: Ratio, places: number): string {
  const scale = 10n ** BigInt(places);
  const neg = r.num < 0n;
  const abs = neg ? -r.num : r.num;
  const scaled = (2n * abs * scale + r.den) / (2n * r.den);
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(places, '0');
  return `${neg && scaled !== 0n ? '-' : ''}${whole}${places > 0 ? `.${frac}` : ''}`;
}
