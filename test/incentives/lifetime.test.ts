import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSummary } from '../../src/cli/commands/incentives.js';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { lifetimePotTotal, publishedPot, yearPots } from '../../src/programmes/incentives/lifetime.js';
import { SchemeError, catalogueOf, loadScheme, parseScheme } from '../../src/programmes/incentives/load-scheme.js';
import type { SchemeSummary } from '../../src/programmes/incentives/summary.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { CATALOGUE, addOrganisations, addResults } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const schemes = join(root, 'schemes');
const catalogue = catalogueOf(loadIndicators(loadCodelists()));
const shipped = (id: string) => loadScheme(join(schemes, `${id}.yaml`), catalogue);

describe("lifetime pots: the shipped schemes against the review's figures", () => {
  // Pettigrew et al. 2018: immunisation "total for eight networks £112,000 (£14,000/network)", diabetes "total for
  // eight networks £1.7 million (> £200,000/network)", COPD "£300,000/annum for 3 years".
  it('immunisation: £112,000 over the scheme, £56,000 in each of 2009/10 and 2010/11, £14,000 a network', () => {
    const s = shipped('childhood-immunisation');
    expect(s.pot.per).toBe('scheme');
    expect(lifetimePotTotal(s, 8)).toBe(11_200_000n);
    expect(publishedPot(s, 8)).toBe(11_200_000n);
    expect(yearPots(s, 8).map((y) => [y.financial_year, y.pot_pence, y.left_after_pence])).toEqual([
      ['2009/10', 5_600_000n, 5_600_000n],
      ['2010/11', 5_600_000n, 0n],
    ]);
    expect(lifetimePotTotal(s, 8) / 8n).toBe(1_400_000n);
  });

  it('diabetes: £1.7 million over three years, more than £200,000 a network', () => {
    const s = shipped('type-2-diabetes');
    expect(lifetimePotTotal(s, 8)).toBe(170_000_000n);
    expect(yearPots(s, 8).map((y) => y.pot_pence)).toEqual([56_666_667n, 56_666_667n, 56_666_666n]);
    expect(lifetimePotTotal(s, 8) / 8n).toBeGreaterThan(20_000_000n);
  });

  it('COPD: £300,000 a year, £900,000 over its three years', () => {
    const s = shipped('copd');
    expect(s.pot.per).toBe('year');
    expect(publishedPot(s, 8)).toBe(30_000_000n);
    expect(lifetimePotTotal(s, 8)).toBe(3n * 30_000_000n);
  });

  it('CVD: £300,000 a year from April 2010, £900,000 over three years, on the five CVD KPIs', () => {
    const s = shipped('cardiovascular-disease');
    expect(s.years).toEqual({ from: 2010, to: 2012 });
    expect(lifetimePotTotal(s, 8)).toBe(90_000_000n);
    expect(s.performance.components.map((c) => c.indicator)).toEqual(['cvd-care-plan', 'mi-review-3-weeks', 'cardiac-rehab', 'chd-bp-150-90', 'chd-chol-4']);
  });
});

describe('pot.per and pot.by_year in a scheme file', () => {
  const text = (pot: string[]): string =>
    [
      'id: t',
      'title: T',
      'years: { from: 2009, to: 2011 }',
      'pot:',
      ...pot,
      'advance: { share: 50%, paid: year_start }',
      'performance:',
      '  share: 50%',
      '  components:',
      '    - { id: a, indicator: mmr1-by-2, weight: 100%, rule: { type: all_or_nothing, target: 95 } }',
    ].join('\n');
  const rejection = (pot: string[]): SchemeError => {
    try {
      parseScheme(text(pot), 'schemes/t.yaml', CATALOGUE);
    } catch (err) {
      if (err instanceof SchemeError) return err;
      throw err;
    }
    throw new Error('the scheme was accepted');
  };

  it('splits a lifetime pot by shares with the odd pennies by largest remainder, adding up exactly', () => {
    const s = parseScheme(text(['  per: scheme', '  total: "£1,000.00"', '  by_year: { 2009: "33.33%", 2010: "33.33%", 2011: "33.34%" }', '  split: { by: equal }']), 'x', CATALOGUE);
    // 100,000p × 33.33% = 33,330 each, 33.34% = 33,340: exact.
    expect([...(s.pot.byYear ?? [])]).toEqual([
      [2009, 33_330n],
      [2010, 33_330n],
      [2011, 33_340n],
    ]);
    const odd = parseScheme(text(['  per: scheme', '  total: "£0.10"', '  by_year: { 2009: "33.33%", 2010: "33.33%", 2011: "33.34%" }', '  split: { by: equal }']), 'x', CATALOGUE);
    // 10p: 3.333, 3.333, 3.334 → 3, 3, 3 and the penny to the largest remainder (2011).
    expect([...(odd.pot.byYear ?? [])].map(([, p]) => p)).toEqual([3n, 3n, 4n]);
  });

  it('requires per, and a lifetime pot to say how it splits across the years', () => {
    expect(rejection(['  total: "£300"', '  split: { by: equal }'])).toMatchObject({ field: 'pot.per', line: 4 });
    const noSplit = rejection(['  per: scheme', '  total: "£300"', '  split: { by: equal }']);
    expect(noSplit).toMatchObject({ field: 'pot.by_year', line: 4 });
    expect(noSplit.reason).toMatch(/must say how it is split across the years/);
    expect(rejection(['  per: year', '  total: "£300"', '  split: { by: equal }', '  by_year: { 2009: "£100", 2010: "£100", 2011: "£100" }'])).toMatchObject({
      field: 'pot.by_year',
      line: 8,
    });
  });

  it('refuses by_year that misses a year, names another, mixes kinds or does not add up', () => {
    const missing = rejection(['  per: scheme', '  total: "£300"', '  by_year: { 2009: "£100", 2010: "£200" }', '  split: { by: equal }']);
    expect(missing).toMatchObject({ field: 'pot.by_year', line: 7 });
    expect(missing.reason).toMatch(/missing 2011\/12/);
    const extra = rejection(['  per: scheme', '  total: "£300"', '  by_year: { 2009: "£100", 2010: "£100", 2011: "£50", 2012: "£50" }', '  split: { by: equal }']);
    expect(extra.field).toBe('pot.by_year.2012');
    expect(extra.reason).toMatch(/2012 is not a year of the scheme.*runs 2009\/10 to 2011\/12/);
    expect(rejection(['  per: scheme', '  total: "£300"', '  by_year: { 2009: "£100", 2010: "50%", 2011: "£100" }', '  split: { by: equal }']).reason).toMatch(/not a mix/);
    const sum = rejection(['  per: scheme', '  total: "£300"', '  by_year: { 2009: "£100", 2010: "£100", 2011: "£100.01" }', '  split: { by: equal }']);
    expect(sum.message).toBe("schemes/t.yaml line 7: pot.by_year: the years' amounts add up to £300.01, not the lifetime pot's total of £300.00 (2009 £100.00, 2010 £100.00, 2011 £100.01)");
    expect(rejection(['  per: scheme', '  total: "£300"', '  by_year: { 2009: "30%", 2010: "30%", 2011: "30%" }', '  split: { by: equal }']).reason).toMatch(/shares add up to 90%, not 100%/);
    expect(rejection(['  per: scheme', '  total: "£300"', '  by_year: { 2009: 100, 2010: 100, 2011: 100 }', '  split: { by: equal }']).field).toBe('pot.by_year.2009');
  });
});

describe('gpnet incentives summary', () => {
  const work = mkdtempSync(join(tmpdir(), 'gpnet-incentives-summary-'));
  const db = join(work, 'store.duckdb');
  const NETWORKS = ['SYNN1', 'SYNN2', 'SYNN3', 'SYNN4', 'SYNN5', 'SYNN6', 'SYNN7', 'SYNN8'];
  const hash = catalogue.get('mmr1-by-2')?.hash ?? '';

  beforeAll(async () => {
    // MMR1 at 31 March 2010: 90% (SYNN1) … 97% (SYNN8); at 31 March 2011 every network at 96% but SYNN1 (94%).
    const engine = await DuckDBEngine.open(db);
    await addOrganisations(engine, Object.fromEntries(NETWORKS.map((n, i) => [n, [`SYNP0${i + 1}`]])));
    await addResults(engine, [
      ...NETWORKS.map((n, i) => ({ indicator: 'mmr1-by-2', org: n, period: '2010-03-31', numerator: 90 + i, denominator: 100, hash })),
      ...NETWORKS.map((n, i) => ({ indicator: 'mmr1-by-2', org: n, period: '2011-03-31', numerator: i === 0 ? 94 : 96, denominator: 100, hash })),
    ]);
    await engine.close();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('gives the lifetime pot, what was paid, unearned and clawed back, by year and by network', async () => {
    const s = JSON.parse(await runSummary({ db, scheme: join(schemes, 'childhood-immunisation.yaml'), format: 'json', catalogue })) as SchemeSummary;
    expect(Object.keys(s).slice(0, 7)).toEqual(['scheme', 'title', 'pot_per', 'lifetime_pot_pence', 'published_pot_pence', 'paid_pence', 'unearned_pence']);
    expect(s).toMatchObject({ scheme: 'childhood-immunisation', pot_per: 'scheme', lifetime_pot_pence: 11_200_000, published_pot_pence: 11_200_000, complete: true });
    // Each year £56,000: £7,000 a network, £3,500 advance + £3,500 at 95%. 2009/10: three networks reach 95%
    // (8 × £3,500 + 3 × £3,500 = £38,500 paid, £17,500 not earned); 2010/11: seven do (£52,500 paid, £3,500 not earned).
    expect(s.years.map((y) => [y.financial_year, y.status, y.pot_pence, y.paid_pence, y.unearned_pence, y.clawed_back_pence, y.left_after_pence])).toEqual([
      ['2009/10', 'ok', 5_600_000, 3_850_000, 1_750_000, 0, 5_600_000],
      ['2010/11', 'ok', 5_600_000, 5_250_000, 350_000, 0, 0],
    ]);
    expect([s.paid_pence, s.unearned_pence, s.clawed_back_pence]).toEqual([9_100_000, 2_100_000, 0]);
    expect(s.paid_pence + s.unearned_pence + s.clawed_back_pence).toBe(s.lifetime_pot_pence);
    // SYNN1 never reaches 95%: £7,000 of its £14,000; SYNN8 reaches it both years: all £14,000.
    expect(s.networks[0]).toEqual({ network: 'SYNN1', name: 'Network SYNN1', pot_pence: 1_400_000, paid_pence: 700_000, unearned_pence: 700_000, clawed_back_pence: 0 });
    expect(s.networks[7]).toMatchObject({ network: 'SYNN8', pot_pence: 1_400_000, paid_pence: 1_400_000, unearned_pence: 0 });
    expect(s.networks.reduce((a, n) => a + n.pot_pence, 0)).toBe(s.lifetime_pot_pence);
  });

  it('reports a year the store cannot calculate, leaving its pot out of paid and unearned', async () => {
    // The diabetes pot is split by dm-register on 31 March before each year; this store has no register results.
    const s = JSON.parse(await runSummary({ db, scheme: join(schemes, 'type-2-diabetes.yaml'), format: 'json', catalogue })) as SchemeSummary;
    expect(s.complete).toBe(false);
    expect(s.years.map((y) => y.status)).toEqual(['not_calculated', 'not_calculated', 'not_calculated']);
    expect(s.years[0]?.reason).toMatch(/cannot split the pot by register size: no dm-register result on 2009-03-31/);
    expect(s).toMatchObject({ lifetime_pot_pence: 170_000_000, paid_pence: 0, not_calculated_pence: 170_000_000, networks: [] });
  });

  it('runs from the command line (bin/gpnet.js), in markdown by default', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), 'incentives', 'summary', '--db', db, '--scheme', join(schemes, 'childhood-immunisation.yaml')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Lifetime pot £112,000.00 (the scheme file states £112,000.00 for the scheme\'s whole life). Paid £91,000.00; not earned £21,000.00; clawed back £0.00.');
    expect(r.stdout).toContain('| 2010/11 | £56,000.00 | £28,000.00 | £24,500.00 of £28,000.00 | £3,500.00 | £0.00 | £52,500.00 | £0.00 |');
    const check = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), 'incentives', 'check', join(schemes, 'type-2-diabetes.yaml'), join(schemes, 'copd.yaml')], { encoding: 'utf8' });
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('type-2-diabetes, 2009–2011, 4 component(s), lifetime pot £1,700,000.00 (2009 £566,666.67, 2010 £566,666.67, 2011 £566,666.66)');
    expect(check.stdout).toContain('copd, 2010–2012, 2 component(s), £300,000.00 a year, lifetime pot £900,000.00');
    const bad = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), 'incentives', 'summary', '--db', db, '--scheme', join(schemes, 'copd.yaml'), '--format', 'csv'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--format must be json or md/);
  });
});
