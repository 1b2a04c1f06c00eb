/**
 * Effects of an intervention at chosen horizons and the counterfactual series, shared by the OLS and
 * Poisson segmented regressions. Horizon h means the h-th period after the intervention, i.e. index
 * interventionIndex + h − 1 (h = 1 is the first post-intervention period). The effect there is
 * level_change + slope_change·s(h), with variance from the coefficient covariance.
 */
import { type Estimate, type Reference, linearCombination } from './estimate.js';
import type { SegmentedDesign } from './its-design.js';

export type HorizonEffectBase =
  | { status: 'ok'; horizon: number; index: number; extrapolated: boolean; effect: Estimate }
  | { status: 'not-estimable'; horizon: number; index: number; reason: string };

/** Coefficient weights (over all columns) of the intervention effect at an index. */
export function effectWeights(design: SegmentedDesign, index: number): number[] {
  return design.names.map((name) => (name === 'level_change' ? 1 : name === 'slope_change' ? design.slopeTerm(index) : 0));
}

export function horizonEffects(
  design: SegmentedDesign,
  horizons: readonly number[],
  length: number,
  beta: readonly number[],
  covariance: readonly (readonly number[])[],
  reference: Reference,
  confidence: number,
): HorizonEffectBase[] {
  return horizons.map((h) => {
    const index = design.interventionIndex + h - 1;
    if (!Number.isInteger(h) || h < 1) return { status: 'not-estimable', horizon: h, index, reason: 'a horizon must be a whole number of periods ≥ 1' };
    if (index < design.postStart) {
      return { status: 'not-estimable', horizon: h, index, reason: `period ${h} after the intervention lies in the excluded transition window` };
    }
    const c = effectWeights(design, index);
    return {
      status: 'ok',
      horizon: h,
      index,
      extrapolated: index >= length,
      effect: linearCombination(`effect at ${h} periods`, c, beta, covariance, reference, confidence),
    };
  });
}
