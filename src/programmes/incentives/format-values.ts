import type { BasisPoints } from './scheme.js';

/** Basis points as a percentage for messages: 5000 → "50%", 3333 → "33.33%". */
export function formatBp(bp: BasisPoints): string {
  const whole = Math.trunc(bp / 100);
  const rest = Math.abs(bp % 100);
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}
