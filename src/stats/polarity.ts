/** Indicator polarity, as Fingertips (PolarityIds) and FingertipsNext (IndicatorPolarity) name it. */
export type Polarity = 'high-is-good' | 'low-is-good' | 'no-judgement' | 'not-applicable';

export const POLARITIES: readonly Polarity[] = ['high-is-good', 'low-is-good', 'no-judgement', 'not-applicable'];
