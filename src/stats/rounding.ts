/** Rounding helpers that reproduce other systems' conventions exactly. */

/** R's round(x) to an integer: halves go to the even neighbour (IEC 60559). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** .NET Math.Round(x, digits, MidpointRounding.AwayFromZero). */
export function roundAwayFromZero(x: number, digits: number): number {
  const f = 10 ** digits;
  const scaled = Math.abs(x) * f;
  // Nudge by a relative epsilon so that values printed as ...5 round as written.
  return (Math.sign(x) * Math.round(scaled * (1 + Number.EPSILON))) / f;
}
