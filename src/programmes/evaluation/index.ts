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
export { markdownToHtml } from './markdown-html.js';
export { htmlToPdf } from './pdf.js';
export { DEFAULT_SCHEME_DIR, programmeCosts, readCostsFile, type CostsOverride, type ProgrammeCostReport } from './study-costs.js';
export { additionalPatients, evaluateStudy, type StudyEvaluationOptions, type StudyReport } from './study-evaluate.js';
export { renderStudyHtml, renderStudyMarkdown } from './study-render.js';
