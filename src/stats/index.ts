/**
 * gpnet statistics: pure functions, no database. See ../../../shared/reference/statistics.md for the
 * methods and the reference values every function is tested against (test/stats/).
 */
export { StatsInputError } from './errors.js';
export { Z95, Z998, wilson, type Interval } from './proportion.js';
export { tCdf, tQuantile } from './t-distribution.js';
export { normalCdf, normalQuantile, normalTwoSidedP, normalUpperTail, zForConfidence } from './normal.js';
export { chiSquareCdf, chiSquareQuantile, chiSquareUpperTail } from './chi-square.js';
export { fUpperTail, tTwoSidedP } from './p-values.js';
export { byarsInterval, crudeRateCi, exactPoissonInterval, poissonCountInterval, type RateWithCi } from './poisson-interval.js';
export { meanCi, type MeanCi } from './mean-ci.js';
export {
  funnelLimit,
  funnelLimits,
  funnelLimitsTable,
  funnelPoints,
  funnelSignificance,
  pooledBaseline,
  type FunnelLimits,
  type FunnelSignificance,
  type FunnelTableRow,
} from './funnel.js';
export type { Polarity } from './polarity.js';
export { compareWithBenchmark, compareWithBenchmarkTwoLevels, type BenchmarkInput, type BenchmarkOutcome } from './benchmark.js';
export { assignQuantileGroups, orientGroup, percentile, quantileBounds, quantileGroup } from './quantiles.js';
export { compareCiWithTarget, compareValueWithTarget, compareWithTargetRange, ragAgainstTarget, type Rag, type RagRule } from './target.js';
export { harmonicColumns, type Seasonality } from './seasonality.js';
export { fitSegmentedRegression, type ErrorModel, type SegmentedRegressionInput, type SegmentedRegressionResult } from './its-ols.js';
export { compareNestedCountModels, fitSegmentedCounts, type SegmentedCountInput, type SegmentedCountResult } from './its-poisson.js';
export { fitComparativeIts, type ComparativeItsInput, type ComparativeItsResult } from './its-comparative.js';
export { durbinWatson, ljungBox } from './diagnostics.js';
export {
  biceBoxermanCoc,
  herfindahl,
  mmci,
  patientContinuity,
  secon,
  summariseContinuity,
  upc,
  type PatientContacts,
} from './continuity.js';
