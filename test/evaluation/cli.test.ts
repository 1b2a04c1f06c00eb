/** The `gpnet evaluate` command as commander parses it, in-process (no build needed). */
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/evaluate.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import type { EvaluationReport } from '../../src/programmes/evaluation/index.js';
import { prop99Csvs, sicilyCsv, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  register(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await program.parseAsync(['node', 'gpnet', 'evaluate', ...args]);
  return out;
}

describe('gpnet evaluate (commander)', () => {
  it('is registered in the command list', () => {
    const program = new Command();
    for (const r of COMMANDS) r(program);
    expect(program.commands.map((c) => c.name())).toContain('evaluate');
  });

  it('parses the series options and prints JSON', async () => {
    const file = dir.write('sicily.csv', sicilyCsv());
    const out = await run(['--series', file, '--intervention', '2005-01', '--model', 'quasipoisson', '--offset', 'stdpop', '--seasonal', '2', '--no-slope-change', '--horizons', '6, 12']);
    const r = JSON.parse(out) as EvaluationReport;
    expect(r.model).toMatchObject({ family: 'quasipoisson', slope_change: false, seasonal_harmonics: 2 });
    expect(r.effects.map((e) => e.horizon)).toEqual([6, 12]);
    expect(r.coefficients.find((c) => c.name === 'level_change')!.rate_ratio!.estimate).toBeCloseTo(0.885071547244, 9);
  });

  it('prints Markdown with --format md, and takes --comparator-series and --lag', async () => {
    const files = prop99Csvs();
    const ca = dir.write('ca.csv', files.california);
    const rest = dir.write('rest.csv', files.comparator);
    const out = await run(['--series', ca, '--comparator-series', rest, '--intervention', '1989', '--lag', '1', '--format', 'md']);
    expect(out).toMatch(/^# Impact evaluation: /);
    expect(out).toContain('OLS with Newey–West standard errors (lag 1, by series)');
  });

  it('requires --intervention outside --study mode', async () => {
    await expect(run(['--series', 'x.csv'])).rejects.toThrow(/--intervention is required/);
  });

  it('rejects unknown options (commander)', async () => {
    await expect(run(['--series', 'x.csv', '--intervention', '2020-01', '--bogus'])).rejects.toBeInstanceOf(CommanderError);
  });
});
