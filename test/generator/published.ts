import { loadStudy, studyOutcomes } from '../../src/programmes/study.js';

/**
 * The values of Table 1 of Pettigrew et al. (Br J Gen Pract 2018) at the dates the studies give
 * them, which the demo (300,000 patients, seed 1) is calibrated to — read from the study file
 * (programmes/tower-hamlets.yaml), the one place they are written. A published year Y is the QOF
 * year ending 31 March Y (the value at the March month end) unless the study gives a month.
 * `relative` (the COPD register) is growth in percent between the two dates.
 */
export interface Published {
  indicator: string;
  from: { month: string; value: number };
  to: { month: string; value: number };
  kind: 'percent' | 'mean' | 'relative';
}

/** Indicators whose published values are means (the rest are percentages or relative growth). */
const MEANS = new Set(['dm-hba1c-mean']);

export const PUBLISHED: readonly Published[] = studyOutcomes(loadStudy('tower-hamlets')).flatMap(({ outcome: o }): Published[] => {
  const p = o.published;
  if (p === null) return [];
  if ('relative' in p.from && 'relative' in p.to) {
    return [{ indicator: o.indicator, from: { month: p.from.month, value: 0 }, to: { month: p.to.month, value: p.to.relative - p.from.relative }, kind: 'relative' }];
  }
  if (!('value' in p.from) || !('value' in p.to)) throw new Error(`${o.indicator}: the study file mixes value and relative`);
  return [{ indicator: o.indicator, from: { month: p.from.month, value: p.from.value }, to: { month: p.to.month, value: p.to.value }, kind: MEANS.has(o.indicator) ? 'mean' : 'percent' }];
});

/** The last day of a YYYY-MM month. */
export function monthEndOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
