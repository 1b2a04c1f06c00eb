import type { Ratio } from './ratio.js';

/**
 * Money is an integer number of pence, held as a BigInt while calculating (a pot times a list
 * size can pass 2^53) and written out as a JSON number only after checking it is a safe integer.
 *
 * Rounding rules (docs/INCENTIVES.md, "Rounding"):
 * - Splitting an amount into parts (a pot between networks, a network's pot into advance and
 *   performance, each of those between KPI components): largest-remainder allocation, so the
 *   parts add up exactly to the whole.
 * - A payment that is a fraction of an amount (a sliding-scale payment, a clawback): the exact
 *   product, rounded once to the nearest penny, halves up.
 */
export type Pence = bigint;

const MONEY = /^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?$/;

/**
 * Reads an amount as written in a scheme file: "£112,000", "£14,000.50", "1700000" (pounds), or
 * a YAML integer (pounds). Returns null when it is not an amount of money in pounds and pence.
 */
export function parseMoney(value: unknown): Pence | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) * 100n : null;
  if (typeof value !== 'string') return null;
  const m = MONEY.exec(value.trim());
  if (!m) return null;
  return BigInt((m[1] as string).replace(/,/g, '')) * 100n + BigInt(m[2] ?? '0');
}

/** "£1,234.56" (negative: "−£1,234.56"). */
export function formatPounds(pence: Pence): string {
  const neg = pence < 0n;
  const abs = neg ? -pence : pence;
  const pounds = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const p = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '−' : ''}£${pounds}.${p}`;
}

/** A signed change, "+£12.34" / "−£12.34" / "£0.00". */
export function formatDelta(pence: Pence): string {
  return pence > 0n ? `+${formatPounds(pence)}` : formatPounds(pence);
}

/** pence × ratio, rounded to the nearest penny with halves rounded up (amount and ratio not negative). */
export function applyRatio(amount: Pence, r: Ratio): Pence {
  if (amount < 0n || r.num < 0n) throw new Error('applyRatio expects amounts and ratios that are not negative');
  return (2n * amount * r.num + r.den) / (2n * r.den);
}

/**
 * Largest-remainder (Hamilton) allocation of `total` pence in proportion to `weights`.
 * Each part first gets floor(total × w / W); the pennies left over (fewer than the number of
 * parts) go one each to the parts with the largest remainders. Ties: the larger weight first,
 * then the earlier part in the order given (callers pass parts in a fixed order: networks by
 * code, components as written). The parts always add up exactly to `total`.
 */
export function allocate(total: Pence, weights: readonly bigint[]): Pence[] {
  if (total < 0n) throw new Error('cannot allocate a negative amount');
  if (weights.some((w) => w < 0n)) throw new Error('allocation weights must not be negative');
  const sum = weights.reduce((s, w) => s + w, 0n);
  if (sum === 0n) throw new Error('cannot allocate when every weight is zero');
  const parts = weights.map((w) => (total * w) / sum);
  const remainders = weights.map((w, i) => ({ i, w, rem: (total * w) % sum }));
  let left = total - parts.reduce((s, p) => s + p, 0n);
  remainders.sort((a, b) => (a.rem !== b.rem ? (a.rem > b.rem ? -1 : 1) : a.w !== b.w ? (a.w > b.w ? -1 : 1) : a.i - b.i));
  for (const r of remainders) {
    if (left === 0n) break;
    parts[r.i] = (parts[r.i] as bigint) + 1n;
    left -= 1n;
  }
  return parts;
}

/** A pence amount as a JSON number, refusing anything that would lose precision. */
export function penceToNumber(pence: Pence): number {
  const n = Number(pence);
  if (!Number.isSafeInteger(n)) throw new Error(`amount of ${pence} pence is too large to write exactly`);
  return n;
}
