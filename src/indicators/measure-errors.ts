/** Something the caller asked for that cannot be measured (unknown indicator, bad month, empty store). */
export class MeasureError extends Error {}

/** A window that cannot be measured: no data, or one the data do not cover. */
export class MeasureWindowError extends MeasureError {}

/** A --from before the first full month: the message names the month, the practices and --allow-sparse. */
export class SparseWindowError extends MeasureWindowError {}
