/**
 * Proportions: the Wilson score interval as PHEindicatormethods computes it
 * (wilson_lower/wilson_upper; ../shared/reference/statistics.md §1).
 */
export const Z95 = 1.959963984540054; // qnorm(0.975)
export const Z998 = 3.090232306167813; // qnorm(0.999)

export interface Interval {
  lower: number;
  upper: number;
}

/** Wilson score interval for x successes out of n, as proportions in [0, 1]. Null when n = 0. */
export function wilson(x: number, n: number, z: number = Z95): Interval | null {
  if (!Number.isFinite(x) || !Number.isFinite(n)) throw new RangeError('wilson: numerator and denominator must be finite');
  if (x < 0) throw new RangeError(`wilson: numerator ${x} is negative`);
  if (x > n) throw new RangeError(`wilson: numerator ${x} is greater than denominator ${n}`);
  if (n === 0) return null;
  const z2 = z * z;
  const root = z * Math.sqrt(z2 + 4 * x * (1 - x / n));
  const denom = 2 * (n + z2);
  return {
    lower: Math.max(0, (2 * x + z2 - root) / denom),
    upper: Math.min(1, (2 * x + z2 + root) / denom),
  };
}
