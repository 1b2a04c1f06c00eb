/**
 * The parts of `gpnet evaluate --study`: other costs, the --costs file, scheme years that cannot be
 * calculated, additional patients against the counterfactual, the Markdown → HTML used for PDFs,
 * and the command's study-mode options (on a small generated store).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEvaluateOutput, type EvaluateCliOptions } from '../../src/cli/commands/evaluate.js';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { measure } from '../../src/indicators/measure.js';
import { evaluateSeries } from '../../src/programmes/evaluation/evaluate.js';
import { markdownToHtml } from '../../src/programmes/evaluation/markdown-html.js';
import { isPeriod, parsePeriod } from '../../src/programmes/evaluation/period.js';
import type { InputSeries } from '../../src/programmes/evaluation/series.js';
import { itemCost, programmeCosts, readCostsFile } from '../../src/programmes/evaluation/study-costs.js';
import { additionalPatients, evaluateStudy, type StudyReport } from '../../src/programmes/evaluation/study-evaluate.js';
import { UserError } from '../../src/cli/errors.js';
import { catalogueOf } from '../../src/programmes/incentives/load-scheme.js';
import { loadStudy } from '../../src/programmes/study.js';
import { generateSynthetic } from '../../src/sources/synthetic/generate.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { sicilyCsv, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());
const codelists = loadCodelists();
const indicators = loadIndicators(codelists);
const catalogue = catalogueOf(indicators);

describe('other costs', () => {
  it('multiplies a yearly cost by the financial years, inclusive', () => {
    expect(itemCost({ item: 'facilitators', kind: 'staff', pounds: 50_000, per: 'year', years: { from: 2009, to: 2011 } })).toEqual({
      item: 'facilitators',
      kind: 'staff',
      pence: 15_000_000,
      basis: '£50,000 a year × 3 years (2009/10 to 2011/12)',
      source: null,
    });
    expect(itemCost({ item: 'templates', kind: 'it', pounds: 1234.56, per: 'total', source: 'invoice' }).pence).toBe(123_456);
  });

  it('reads a --costs file, naming the file and field of a mistake', () => {
    const ids = ['copd', 'cvd'];
    const good = dir.write('costs.yaml', 'programmes:\n  cvd:\n    items:\n      - { item: nurses, kind: staff, pounds: 20000, per: year, years: { from: 2008, to: 2009 } }\n');
    expect(readCostsFile(good, ids).cvd!.items![0]!.pounds).toBe(20_000);
    const noYears = dir.write('no-years.yaml', 'programmes:\n  cvd:\n    items:\n      - { item: nurses, kind: staff, pounds: 20000, per: year }\n');
    expect(() => readCostsFile(noYears, ids)).toThrow(`${noYears}: field programmes.cvd.items.0: a cost per year needs years`);
    const badKind = dir.write('bad-kind.yaml', 'programmes:\n  cvd:\n    items:\n      - { item: nurses, kind: salaries, pounds: 1, per: total }\n');
    expect(() => readCostsFile(badKind, ids)).toThrow(`${badKind}: field programmes.cvd.items.0.kind`);
    const unknown = dir.write('unknown.yaml', 'programmes:\n  asthma: { items: [] }\n');
    expect(() => readCostsFile(unknown, ids)).toThrow(`${unknown}: field programmes.asthma: no programme 'asthma' in the study (programmes: copd, cvd)`);
    expect(() => readCostsFile(dir.write('not-yaml.yaml', 'programmes: [\n'), ids)).toThrow(/not-yaml\.yaml: not valid YAML/);
  });

  it('says when a scheme year cannot be calculated (an empty store) and leaves it out of the total', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const c = await programmeCosts(db, { schemes: ['copd.yaml'], items: [{ item: 'IT', kind: 'it', pounds: 100, per: 'total' }] }, catalogue);
      expect(c.schemes.map((s) => [s.year, s.status])).toEqual([
        [2010, 'not-calculated'],
        [2011, 'not-calculated'],
        [2012, 'not-calculated'],
      ]);
      expect(c.schemes[0]!.reason).toBeTruthy();
      expect(c.total_pence).toBe(10_000);
      expect(c.complete).toBe(false);
      await expect(programmeCosts(db, { schemes: ['no-such-scheme.yaml'] }, catalogue)).rejects.toThrow(/schemes\/no-such-scheme\.yaml/);
    } finally {
      await db.close();
    }
  });
});

describe('additional patients against the counterfactual', () => {
  // A treated series that is the comparator plus 2 points before and plus 12 points from 2021-01
  // (a transition window 2020-11..2020-12), with 1,000 in the denominator and 10 more each month.
  const months = Array.from({ length: 48 }, (_, i) => `${2019 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  const wobble = (i: number): number => 0.3 * Math.sin(i * 1.7) + 0.2 * Math.cos(i * 0.9);
  const comp = months.map((_, i) => 40 + 0.1 * i + wobble(i));
  const series = (values: number[], label: string): InputSeries => ({
    label,
    periodicity: 'month',
    columns: { value: true, count: false, numeratorDenominator: true, offset: null },
    observations: months.map((m, i) => {
      const p = parsePeriod(m);
      if (!isPeriod(p)) throw new Error(m);
      return { period: p, line: null, value: values[i]!, count: null, numerator: null, denominator: 1000 + 10 * i, offset: null };
    }),
  });
  const treated = series(
    comp.map((v, i) => v + 2 + (i >= 24 ? 12 : 0)),
    'treated',
  );
  const r = evaluateSeries({
    series: treated,
    comparator: series(comp, 'comparator'),
    intervention: '2020-11..2020-12',
    options: { family: 'ols', errors: 'newey-west', lag: null, seasonalHarmonics: 0, slopeChange: true, slopeStart: 0, horizons: null },
    source: { source: 'csv' },
  });

  it('is (observed − counterfactual)% of the denominator at the horizon, and summed over the months for patient-months', () => {
    const a = additionalPatients(r, treated, '2021-12', { per: 100, sign: 1, costPence: 1_200_000, significant: true })!;
    // 2021-12 is index 35, denominator 1,350. The counterfactual is a line, the observed values wobble around it.
    const gap = (i: number): number => r.series[i]!.observed! - r.series[i]!.counterfactual!;
    expect(r.series[35]!.period).toBe('2021-12');
    expect(a.at_horizon).toBeCloseTo((gap(35) / 100) * 1350, 9);
    expect(Math.abs(a.at_horizon - 0.12 * 1350)).toBeLessThan(0.01 * 1350);
    const expectedMonths = Array.from({ length: 12 }, (_, k) => (gap(24 + k) / 100) * (1000 + 10 * (24 + k))).reduce((x, y) => x + y, 0);
    expect(r.series[24]!.phase).toBe('after');
    expect(a.patient_months).toBeCloseTo(expectedMonths, 9);
    expect(a.cost_per_additional_patient_pence).toBe(Math.round(1_200_000 / a.at_horizon));
  });

  it('counts the other way when lower is better, and claims no cost per patient without a significant gain', () => {
    const lower = additionalPatients(r, treated, '2021-12', { per: 100, sign: -1, costPence: 1_200_000, significant: true })!;
    expect(lower.at_horizon).toBeCloseTo(-additionalPatients(r, treated, '2021-12', { per: 100, sign: 1, costPence: null, significant: false })!.at_horizon, 9);
    expect(lower.cost_per_additional_patient_pence).toBeNull();
    expect(additionalPatients(r, treated, '2021-12', { per: 100, sign: 1, costPence: 1_200_000, significant: false })!.cost_per_additional_patient_pence).toBeNull();
    expect(additionalPatients(r, treated, '2021-12', { per: 100, sign: 1, costPence: null, significant: true })!.cost_per_additional_patient_pence).toBeNull();
    // A horizon outside the post-intervention months has nothing to count.
    expect(additionalPatients(r, treated, '2020-06', { per: 100, sign: 1, costPence: 1, significant: true })).toBeNull();
  });
});

describe('Markdown → HTML (for PDFs)', () => {
  it('turns headings, tables, lists and bold into HTML, escaping the rest', () => {
    const html = markdownToHtml('# Title <x>\n\nSome **bold** and `code`.\n\n| a | b \\| c |\n| --- | --- |\n| 1 | 2 |\n\n- one\n- two\n', 'T');
    expect(html).toContain('<h1>Title &lt;x&gt;</h1>');
    expect(html).toContain('<p>Some <strong>bold</strong> and <code>code</code>.</p>');
    expect(html).toContain('<th scope="col">b | c</th>');
    expect(html).toContain('<tr><td>1</td><td>2</td></tr>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
  });
});

describe('gpnet evaluate --study (options)', () => {
  const run = (o: EvaluateCliOptions): Promise<void> => writeEvaluateOutput(o);
  it.each([
    [{ study: 'tower-hamlets', db: 'x.duckdb', intervention: '2010-01' }, '--intervention is not used with --study'],
    [{ study: 'tower-hamlets', db: 'x.duckdb', indicator: 'copd-flu' }, '--indicator is not used with --study'],
    [{ study: 'tower-hamlets' }, '--study needs --db FILE'],
    [{ study: 'tower-hamlets', db: 'x.duckdb', format: 'pdf' }, '--format pdf writes a file: give --out FILE.pdf'],
    [{ study: 'Tower Hamlets', db: 'x.duckdb' }, '--study must be a study id'],
    [{ study: 'no-such-study', db: 'x.duckdb' }, "unknown study 'no-such-study': there is no programmes/no-such-study.yaml"],
    [{ series: 'x.csv', intervention: '2020-01', costs: 'c.yaml' }, '--costs is for --study reports'],
    [{ series: 'x.csv', intervention: '2020-01', format: 'pdf' }, '--format pdf writes a file: give --out FILE.pdf'],
  ] as [EvaluateCliOptions, string][])('%o', async (opts, message) => {
    await expect(run(opts)).rejects.toThrow(message);
  });

  it('writes a single-series report as a PDF with --out', async () => {
    const out = `${dir.path}/sicily.pdf`;
    await run({ series: dir.write('sicily.csv', sicilyCsv()), intervention: '2005-01', model: 'quasipoisson', offset: 'stdpop', format: 'pdf', out });
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
    expect(text).toContain('Impact evaluation');
    expect(text).toContain('level_change');
  });
});

describe('gpnet evaluate --study on a small store', () => {
  let db: DuckDBEngine;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    await generateSynthetic(db, { patients: 4000, seed: 3, force: false }, { codelists });
    await measure(db, { indicators, codelists, indicatorIds: ['copd-review', 'copd-pr-referral', 'copd-register', 'copd-smoking', 'copd-flu', 'mmr1-by-2'], from: '2005-01', to: '2013-12', allowSparse: true });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  it('fails (exit 2, no file written) with the measure command that fills in every missing month, when the store lacks results', async () => {
    const out = `${dir.path}/missing.json`;
    // Unmeasured: the diabetes and CVD indicators (their windows reach back to QOF year 2004, ending
    // 2004-03, and forward to 2012-03) and COPD admissions; the measured ones cover their months.
    const err = await writeEvaluateOutput({ study: 'tower-hamlets', db: 'small', out }, { store: db }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    // The 4,000-patient store's smallest practice has no patients before 2012-04, so the command
    // that measure will accept carries --allow-sparse.
    expect((err as Error).message).toContain(`Measure them with: gpnet measure --db ${db.location} --from 2004-03 --to 2012-03 --allow-sparse`);
    expect((err as Error).message).toMatch(/dm-care-plan \(6 months, 2007-03 to 2012-03\)/);
    expect((err as Error).message).not.toMatch(/copd-review|mmr1-by-2/);
    expect(existsSync(out)).toBe(false);
    // The dashboard's mode reports those outcomes as not available, with the command.
    const study = loadStudy('tower-hamlets');
    const r = await evaluateStudy(db, study, indicators, catalogue, { missing: 'report' });
    const dm = r.programmes.find((p) => p.id === 'diabetes')!.kpis[0]!;
    expect(dm.status).toBe('not-available');
    expect(dm.reason).toContain('gpnet measure --db');
    expect(r.programmes.find((p) => p.id === 'copd')!.kpis.find((k) => k.indicator === 'copd-review')!.status).toBe('ok');
  });

  it('adds the --costs file to the scheme payments and writes JSON to --out', async () => {
    await measure(db, { indicators, codelists, from: '2004-01', to: '2013-12', allowSparse: true });
    const costs = dir.write('th-costs.yaml', 'programmes:\n  copd:\n    schemes: [copd.yaml]\n    items:\n      - { item: respiratory nurse sessions, kind: staff, pounds: 40000, per: year, years: { from: 2010, to: 2012 } }\n');
    const out = `${dir.path}/study.json`;
    await writeEvaluateOutput({ study: 'tower-hamlets', db: 'small', costs, comparator: 'SYNB-LON', out }, { store: db });
    const r = JSON.parse(readFileSync(out, 'utf8')) as StudyReport;
    expect(r.comparators.map((c) => c.code)).toEqual(['SYNB-LON']);
    const copd = r.programmes.find((p) => p.id === 'copd')!;
    expect(copd.costs.items).toEqual([
      { item: 'respiratory nurse sessions', kind: 'staff', pence: 12_000_000, basis: '£40,000 a year × 3 years (2010/11 to 2012/13)', source: null },
    ]);
    expect(copd.costs.schemes.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    expect(copd.costs.total_pence).toBe(copd.costs.incentive_pence + 12_000_000);
  }, 120_000);

  it('uses the study file’s comparators per programme; one absent from the store is reported not available, not a crash', async () => {
    const r = await evaluateStudy(db, loadStudy('tower-hamlets'), indicators, catalogue);
    const dm = r.programmes.find((p) => p.id === 'diabetes')!;
    expect(dm.comparators).toEqual(['SYNB-PCTA', 'SYNB-PCTB', 'SYNB-LON', 'SYNB-ENG']);
    expect(r.programmes.find((p) => p.id === 'copd')!.comparators).toEqual(['SYNB-LON', 'SYNB-ENG']);
    const present = new Set((await db.all<{ code: string }>("SELECT code FROM organisation WHERE kind = 'benchmark'")).map((x) => x.code));
    for (const c of r.comparators) expect(c.available).toBe(present.has(c.code));
    const care = dm.kpis.find((k) => k.indicator === 'dm-care-plan')!;
    for (const c of care.comparisons) {
      if (present.has(c.comparator)) expect(c.status, c.reason).toBe('ok');
      else expect(c).toMatchObject({ status: 'not-available', reason: expect.stringContaining(`${c.comparator} is not in`) });
    }
    // Every outcome says its window, period and method; an ITS only where there are 3 periods on each side.
    for (const k of r.programmes.flatMap((p) => p.kpis)) {
      expect(k.window.first_period_end >= '2004-01-01').toBe(true);
      if (k.status !== 'ok') continue;
      const its = k.periods.before.length >= 3 && k.periods.after.length >= 3;
      expect(k.method).toBe(its ? 'comparative ITS' : 'comparative before/after');
    }
    expect(r.programmes[0]!.kpis[0]).toMatchObject({ indicator: 'mmr1-by-2', period: 'quarter', method: 'comparative ITS', window: { from: '2006-Q1', to: '2010-Q3' } });
  }, 120_000);

  it('renders Markdown with a table per programme, and each outcome’s window and period', async () => {
    const out = `${dir.path}/study.md`;
    await writeEvaluateOutput({ study: 'tower-hamlets', db: 'small', format: 'md', out }, { store: db });
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^# Tower Hamlets managed practice networks/);
    expect(md.match(/\*\*[^*]+: KPIs\*\*/g)).toHaveLength(loadStudy('tower-hamlets').programmes.length);
    expect(md).toContain('mmr1-by-2: quarterly, 2006-Q1–2010-Q3; ITS (14 before, 2 in the phase-in, 3 after)');
    expect(md).toContain('dm-retinal-screening: yearly (QOF years to 31 March), 2007–2012; before/after (3 before, 1 in the phase-in, 2 after)');
  }, 120_000);
});
