/**
 * The standard normal distribution: tail probabilities from the incomplete gamma function
 * (erfc(x) = Q(1/2, x²)) and quantiles by Halley refinement, both to about 1e-15 relative.
 */
import { requireConfidence } from './errors.js';
import { gammaQ } from './gamma.js';

/** P(Z > z) for a standard normal Z, accurate in the far tail. */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalUpperTail: z is NaN');
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const half = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z >= 0 ? half : 1 - half;
}

/** P(Z ≤ z). */
export function normalCdf(z: number): number {
  return normalUpperTail(-z);
}

/** The standard normal density. */
export function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Two-sided p-value of a z statistic, 2·P(Z > |z|). */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalTwoSidedP: z is NaN');
  return gammaQ(0.5, (z * z) / 2);
}

/** The p-quantile of the standard normal distribution (R qnorm). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Solve in the lower tail for accuracy; reflect for p > 1/2.
  const lowerTail = p < 0.5;
  const q = lowerTail ? p : 1 - p;
  // Abramowitz & Stegun 26.2.23 start (error < 4.5e-4), then Halley steps on the exact tail.
  const t = Math.sqrt(-2 * Math.log(q));
  let z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 50; i++) {
    const u = (normalCdf(z) - q) / normalDensity(z);
    const step = u / (1 + (z * u) / 2);
    z -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return lowerTail ? z : -z;
}

/** z for a two-sided interval at the given confidence, qnorm(conf + (1 − conf)/2). */
export function zForConfidence(confidence: number): number {
  requireConfidence('zForConfidence', confidence);
  return normalQuantile(1 - (1 - confidence) / 2);
}
