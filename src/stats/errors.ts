/**
 * The error thrown for input that no statistic can be computed from (negative counts, a numerator
 * above its denominator, series of different lengths, non-finite numbers). Legitimate but awkward
 * data (zero denominators, 0% and 100%, constant series, too few points) never throw: each function
 * returns an explicit "not computable" answer instead.
 */
export class StatsInputError extends RangeError {
  constructor(
    readonly fn: string,
    readonly field: string,
    message: string,
  ) {
    super(`${fn}: ${field} ${message}`);
    this.name = 'StatsInputError';
  }
}

export function requireFinite(fn: string, field: string, value: number): void {
  if (!Number.isFinite(value)) throw new StatsInputError(fn, field, `must be a finite number, got ${value}`);
}

export function requireNonNegative(fn: string, field: string, value: number): void {
  requireFinite(fn, field, value);
  if (value < 0) throw new StatsInputError(fn, field, `must not be negative, got ${value}`);
}

export function requireConfidence(fn: string, confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new StatsInputError(fn, 'confidence', `must be strictly between 0 and 1 (e.g. 0.95), got ${confidence}`);
  }
}
