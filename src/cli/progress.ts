import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts a phase with a known number of steps. */
  start(label: string, total: number): void;
  tick(by?: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; plain phase lines otherwise (CI, pipes). */
export function makeProgress(enabled = true): Progress {
  if (!enabled) return { start() {}, tick() {}, stop() {} };
  if (!process.stderr.isTTY) {
    let label = '';
    let t0 = 0;
    return {
      start(l) {
        label = l;
        t0 = Date.now();
        process.stderr.write(`${l} …\n`);
      },
      tick() {},
      stop() {
        if (label) process.stderr.write(`${label} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
        label = '';
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: '{label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(label, total) {
      if (running) bar.stop();
      bar.start(total, 0, { label });
      running = true;
    },
    tick(by = 1) {
      bar.increment(by);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
