import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register, runCalculate, runProject } from '../../src/cli/commands/incentives.js';
import { UserError } from '../../src/cli/errors.js';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { envelopeYear, isEnvelopeFile, loadEnvelope } from '../../src/programmes/incentives/envelope.js';
import { catalogueOf } from '../../src/programmes/incentives/load-scheme.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { addOrganisations, addResults } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const schemes = join(root, 'schemes');
const work = mkdtempSync(join(tmpdir(), 'gpnet-incentives-'));
const db = join(work, 'store.duckdb');
const catalogue = catalogueOf(loadIndicators(loadCodelists()));
const NETWORKS = ['SYNN1', 'SYNN2', 'SYNN3', 'SYNN4', 'SYNN5', 'SYNN6', 'SYNN7', 'SYNN8'];

beforeAll(async () => {
  // Eight networks of one practice each; MMR1 at 31 March 2010 rising from 90% (SYNN1) to 97% (SYNN8).
  const engine = await DuckDBEngine.open(db);
  await addOrganisations(engine, Object.fromEntries(NETWORKS.map((n, i) => [n, [`SYNP0${i + 1}`]])));
  await addResults(
    engine,
    NETWORKS.map((n, i) => ({ indicator: 'mmr1-by-2', org: n, period: '2010-03-31', numerator: 90 + i, denominator: 100, hash: catalogue.get('mmr1-by-2')?.hash ?? '' })),
  );
  await engine.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface JsonOut {
  networks: { code: string; advance_pence: number; performance_pence: number; clawback_pence: number; total_pence: number; components: { achievement: string; status: string }[] }[];
  totals: { pot_pence: number; total_pence: number };
  version: { version: number; status: string };
  changes_from_previous: unknown;
  trace: { results: { definition_hash: string; current_definition: boolean }[] };
}

describe('gpnet incentives calculate (the shipped childhood immunisation scheme)', () => {
  it('gives per network the advance, performance, clawback and total in pence, and the scheme total', async () => {
    const out = JSON.parse(await runCalculate({ db, scheme: join(schemes, 'childhood-immunisation.yaml'), year: 2009, format: 'json', catalogue })) as JsonOut;
    // £112,000 is the scheme's lifetime pot, £56,000 of it in 2009/10: equally between eight networks = £7,000 each,
    // £3,500 in advance, £3,500 at 95% MMR1. SYNN6 (95%), SYNN7 (96%) and SYNN8 (97%) reach 95%: 8 × £3,500 + 3 × £3,500 = £38,500.
    expect(out.networks.map((n) => [n.code, n.advance_pence, n.performance_pence, n.clawback_pence, n.total_pence])).toEqual(
      NETWORKS.map((n, i) => [n, 350_000, i >= 5 ? 350_000 : 0, 0, i >= 5 ? 700_000 : 350_000]),
    );
    expect(out.networks[5]?.components[0]).toMatchObject({ achievement: '95.000000', status: 'met' });
    expect(out.totals).toMatchObject({ pot_pence: 5_600_000, total_pence: 3_850_000 });
    expect(out.version).toMatchObject({ version: 1, status: 'new' });
    expect(out.trace.results.every((r) => r.current_definition)).toBe(true);
    // Run again: the same figures, reported as the same version.
    const again = JSON.parse(await runCalculate({ db, scheme: join(schemes, 'childhood-immunisation.yaml'), year: 2009, format: 'json', catalogue })) as JsonOut;
    expect(again.version).toMatchObject({ version: 1, status: 'unchanged' });
    expect(again.networks).toEqual(out.networks);
  });

  it('prints a markdown statement with the totals, components and trace', async () => {
    const md = await runCalculate({ db, scheme: join(schemes, 'childhood-immunisation.yaml'), year: 2009, format: 'md', dryRun: true, catalogue });
    expect(md).toContain('# Childhood immunisation care package, network incentive: 2009/10');
    expect(md).toContain(
      "Pot £56,000.00, split equally between 8 networks. Lifetime pot £112,000.00 (the scheme's pot for its whole life; this year's part: £56,000.00); £56,000.00 of it is left for later years.",
    );
    expect(md).toContain('| SYNN8 Network SYNN8 | £7,000.00 | £3,500.00 | £3,500.00 of £3,500.00 | £0.00 | £7,000.00 |');
    expect(md).toContain('| **total** | £56,000.00 | £28,000.00 | £10,500.00 of £28,000.00 | £0.00 | £38,500.00 |');
    expect(md).toContain('## Trace: results used');
    expect(md).toContain('Not stored (dry run).');
  });

  it('refuses a year outside the scheme, naming the file and field', async () => {
    const file = join(schemes, 'childhood-immunisation.yaml');
    const err = await runCalculate({ db, scheme: file, year: 2012, format: 'json', catalogue }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(new RegExp(`childhood-immunisation\\.yaml line \\d+: years: the scheme does not run in 2012/13; it runs 2009/10 to 2010/11`));
  });

  it('refuses an invalid scheme file as a user error naming the file, line and field', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(
      bad,
      ['id: bad', 'title: Bad', 'years: 2009', 'pot: { per: year, per_network: 100 }', 'advance: { share: 50%, paid: year_start }', 'performance:', '  share: 50%', '  components:', '    - { id: x, indicator: mmr3-by-7, weight: 100%, rule: { type: all_or_nothing, target: 95 } }'].join('\n'),
    );
    const err = await runCalculate({ db, scheme: bad, year: 2009, format: 'md', catalogue }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(`${bad} line 9: performance.components.0.indicator: unknown indicator "mmr3-by-7"`);
  });

  it('projects "at current trajectory" from the command', async () => {
    const md = await runProject({ db, scheme: join(schemes, 'childhood-immunisation.yaml'), year: 2009, format: 'md', catalogue });
    expect(md).toContain('At current trajectory the networks will earn £38,500.00 of £56,000.00.');
  });
});

describe('command registration', () => {
  let writes: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    writes = [];
  });

  it('registers `incentives` with its subcommands, and calculate parses its options', async () => {
    const program = new Command().exitOverride();
    register(program);
    const inc = program.commands.find((c) => c.name() === 'incentives');
    expect(inc?.commands.map((c) => c.name())).toEqual(['check', 'calculate', 'project', 'versions', 'summary', 'envelope', 'statement']);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    await program.parseAsync(['incentives', 'calculate', '--db', db, '--scheme', join(schemes, 'childhood-immunisation.yaml'), '--year', '2009', '--format', 'json'], { from: 'user' });
    const out = JSON.parse(writes.join('')) as JsonOut;
    expect(out.totals.total_pence).toBe(3_850_000);
    await expect(
      program.parseAsync(['incentives', 'calculate', '--db', db, '--scheme', 'x.yaml', '--year', '09'], { from: 'user' }),
    ).rejects.toThrow(/--year must be a financial year such as 2009/);
  });
});

describe('the £10 million envelope', () => {
  it('holds the four schemes each year and shows what is left', () => {
    expect(isEnvelopeFile(join(schemes, 'tower-hamlets-envelope.yaml'))).toBe(true);
    expect(isEnvelopeFile(join(schemes, 'copd.yaml'))).toBe(false);
    const env = loadEnvelope(join(schemes, 'tower-hamlets-envelope.yaml'), catalogue);
    const years = [2009, 2010, 2011, 2012].map((y) => envelopeYear(env, y));
    // Each year commits the year's part of the lifetime pots (immunisation £56,000, diabetes £566,666.67, £566,666.67,
    // £566,666.66) and the yearly pots (COPD and CVD £300,000 each from 2010/11).
    expect(years.map((y) => [y.financial_year, y.schemes.map((s) => s.id), y.committed_pence, y.remaining_pence])).toEqual([
      ['2009/10', ['childhood-immunisation', 'type-2-diabetes'], 5_600_000 + 56_666_667, 1_000_000_000 - 62_266_667],
      ['2010/11', ['childhood-immunisation', 'type-2-diabetes', 'copd', 'cardiovascular-disease'], 5_600_000 + 56_666_667 + 30_000_000 + 30_000_000, 1_000_000_000 - 122_266_667],
      ['2011/12', ['type-2-diabetes', 'copd', 'cardiovascular-disease'], 56_666_666 + 30_000_000 + 30_000_000, 1_000_000_000 - 116_666_666],
      ['2012/13', ['copd', 'cardiovascular-disease'], 60_000_000, 940_000_000],
    ]);
    // Over the envelope's four years the schemes commit their lifetime pots: £112,000 + £1.7 million + 2 × £900,000.
    expect(years.reduce((s, y) => s + y.committed_pence, 0)).toBe(11_200_000 + 170_000_000 + 2 * 90_000_000);
    expect(years[1]?.schemes.map((s) => [s.id, s.per, s.lifetime_pot_pence])).toEqual([
      ['childhood-immunisation', 'scheme', 11_200_000],
      ['type-2-diabetes', 'scheme', 170_000_000],
      ['copd', 'year', 90_000_000],
      ['cardiovascular-disease', 'year', 90_000_000],
    ]);
  });

  it('refuses an envelope its schemes overspend, naming the file and field', () => {
    const path = join(work, 'small-envelope.yaml');
    writeFileSync(
      path,
      [
        'envelope: small',
        'title: Too small',
        'years: { from: 2009, to: 2010 }',
        'per_year: "£600,000"',
        'schemes:',
        `  - ${join(schemes, 'childhood-immunisation.yaml')}`,
        `  - ${join(schemes, 'type-2-diabetes.yaml')}`,
      ].join('\n'),
    );
    expect(() => loadEnvelope(path, catalogue)).toThrow(new RegExp(`small-envelope\\.yaml line 4: per_year: in 2009/10 the schemes' pots .* come to more than the envelope`));
  });
});
