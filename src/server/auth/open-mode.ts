import { scalar, type Engine } from '../../store/engine.js';

export class OpenModeRefused extends Error {}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Open mode (no sign-in) is only for the synthetic demo on one's own computer: it listens on a
 * loopback address only, and refuses a store where any practice is not marked synthetic.
 */
export async function assertOpenModeAllowed(engine: Engine, host: string): Promise<void> {
  if (!isLoopbackHost(host)) throw new OpenModeRefused(`open mode listens on this computer only: --host must be a loopback address such as 127.0.0.1 (got ${host})`);
  const real = Number(await scalar(engine, "SELECT count(*) FROM organisation WHERE kind = 'practice' AND NOT synthetic"));
  if (real > 0) throw new OpenModeRefused(`open mode is for synthetic data only, but ${engine.location} holds ${real} practice(s) not marked synthetic; serve it with sign-in (without --open)`);
}
