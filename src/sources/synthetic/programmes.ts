import { NETWORK_COUNT } from './organisations.js';
import { PROGRAMMES, type ProgrammeWindow } from './params.js';

export type ProgrammeId = keyof typeof PROGRAMMES;

/**
 * Networks join each programme in turn (the studies describe a phased start). The order is
 * rotated per programme so that no network is always first.
 */
const ROTATION: Record<ProgrammeId, number> = { mmr: 0, dm: 3, copd: 5, cvd: 1 };

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The day network `network` (0-based) starts programme `id`. */
export function programmeStart(id: ProgrammeId, network: number): string {
  const w: ProgrammeWindow = PROGRAMMES[id];
  const order = (network + ROTATION[id]) % NETWORK_COUNT;
  const span = daysBetween(w.from, w.to);
  return addDays(w.from, Math.round((order * span) / (NETWORK_COUNT - 1)));
}

export const PROGRAMME_IDS = Object.keys(PROGRAMMES) as ProgrammeId[];
