/**
 * The values of Table 1 of Pettigrew et al. (Br J Gen Pract 2018) at the dates the studies give
 * them, which the demo (300,000 patients, seed 1) is calibrated to. A published year Y is the QOF
 * year ending 31 March Y (the value at the March month end) unless the study gives a month.
 * `relative` (the COPD register) is growth in percent between the two dates.
 */
export interface Published {
  indicator: string;
  from: { month: string; value: number };
  to: { month: string; value: number };
  kind: 'percent' | 'mean' | 'relative';
}

export const PUBLISHED: readonly Published[] = [
  { indicator: 'mmr1-by-2', from: { month: '2009-09', value: 80 }, to: { month: '2011-03', value: 94 }, kind: 'percent' },
  { indicator: 'dm-care-plan', from: { month: '2009-03', value: 10 }, to: { month: '2012-03', value: 88 }, kind: 'percent' },
  { indicator: 'dm-retinal-screening', from: { month: '2009-09', value: 72 }, to: { month: '2011-09', value: 83 }, kind: 'percent' },
  { indicator: 'dm-bp-chol', from: { month: '2009-09', value: 35 }, to: { month: '2011-09', value: 46 }, kind: 'percent' },
  { indicator: 'dm-hba1c-mean', from: { month: '2009-09', value: 7.8 }, to: { month: '2011-09', value: 7.66 }, kind: 'mean' },
  // The COPD register grew 21% from 2010 to 2013 (QOF years; the first-year target was +10%).
  { indicator: 'copd-register', from: { month: '2010-03', value: 0 }, to: { month: '2013-03', value: 21 }, kind: 'relative' },
  { indicator: 'copd-review', from: { month: '2010-03', value: 53 }, to: { month: '2012-03', value: 86.5 }, kind: 'percent' },
  { indicator: 'copd-pr-referral', from: { month: '2010-03', value: 45 }, to: { month: '2012-03', value: 75 }, kind: 'percent' },
  { indicator: 'copd-smoking', from: { month: '2010-03', value: 39 }, to: { month: '2012-03', value: 40 }, kind: 'percent' },
  { indicator: 'copd-flu', from: { month: '2010-03', value: 83 }, to: { month: '2012-03', value: 83 }, kind: 'percent' },
  { indicator: 'cvd-care-plan', from: { month: '2011-03', value: 42.7 }, to: { month: '2012-03', value: 61.6 }, kind: 'percent' },
  { indicator: 'mi-review-3-weeks', from: { month: '2009-03', value: 68.9 }, to: { month: '2012-03', value: 71.3 }, kind: 'percent' },
  { indicator: 'cardiac-rehab', from: { month: '2009-03', value: 34.8 }, to: { month: '2012-03', value: 27.7 }, kind: 'percent' },
];

/** The last day of a YYYY-MM month. */
export function monthEndOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
