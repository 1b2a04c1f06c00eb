/**
 * The impact-evaluation programme: interrupted time series of a user's series file or of an
 * indicator in the store, with an optional comparator. See docs/EVALUATION.md.
 */
export { EvaluationInputError } from './errors.js';
export { DEFAULT_HORIZONS, MIN_POINTS_PER_SIDE, evaluateSeries, type EvaluationInput, type EvaluationOptions } from './evaluate.js';
export { renderMarkdown } from './markdown.js';
export type { EvaluationReport } from './report.js';
export { parseSeriesCsv, readSeriesCsv } from './series-csv.js';
export type { InputSeries } from './series.js';
export { findIndicator, readComparatorSeries, readOrganisationSeries } from './store-series.js';
export { fitComparativeCounts } from './comparative-counts.js';
