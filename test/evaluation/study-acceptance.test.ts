/**
 * Acceptance of `gpnet evaluate --study tower-hamlets --format json` (issue 13): on the default
 * demo (300,000 patients, seed 1, measured over the months `gpnet demo` measures) the report lists
 * every Table 1 outcome of the study file with its window, period, comparators (two neighbouring
 * PCTs, London and England where the paper used them) and effect; no window starts before 2004;
 * the MMR1, diabetes, COPD and CVD effects have the published sign against every comparator; and
 * the demo's values at the published dates are within the tolerance the calibration table states.
 * The programme costs come from the incentive calculation; the PDF holds the tables.
 *
 * GPNET_ACCEPTANCE_PATIENTS runs it on a smaller demo (e.g. 100000) during development; the
 * acceptance is the default 300,000.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyMeasureRange } from '../../src/cli/commands/demo-calibration.js';
import { runEvaluateCommand } from '../../src/cli/commands/evaluate.js';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { measure } from '../../src/indicators/measure.js';
import { calibrationTable, renderCalibrationMarkdown } from '../../src/programmes/evaluation/calibration.js';
import { htmlToPdf } from '../../src/programmes/evaluation/pdf.js';
import type { KpiSummary, StudyReport } from '../../src/programmes/evaluation/study-evaluate.js';
import { renderStudyHtml, renderStudyMarkdown } from '../../src/programmes/evaluation/study-render.js';
import { loadStudy, studyOutcomes } from '../../src/programmes/study.js';
import { generateSynthetic } from '../../src/sources/synthetic/generate.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';

const PATIENTS = Number(process.env.GPNET_ACCEPTANCE_PATIENTS ?? 300_000);
const study = loadStudy('tower-hamlets');
const outcomes = studyOutcomes(study);
let db: DuckDBEngine;
let report: StudyReport;

beforeAll(async () => {
  const t0 = performance.now();
  db = await DuckDBEngine.open(':memory:');
  const codelists = loadCodelists();
  const indicators = loadIndicators(codelists);
  await generateSynthetic(db, { patients: PATIENTS, seed: 1, force: false }, { codelists });
  const t1 = performance.now();
  // As `gpnet demo`: every indicator at every month end the study needs.
  await measure(db, { indicators, codelists, ...studyMeasureRange(study) });
  const t2 = performance.now();
  report = JSON.parse(String(await runEvaluateCommand({ study: 'tower-hamlets', db: 'demo', format: 'json' }, { store: db }))) as StudyReport;
  const t3 = performance.now();
  process.stderr.write(`study acceptance (${PATIENTS} patients): generate ${((t1 - t0) / 1000).toFixed(1)} s, measure ${((t2 - t1) / 1000).toFixed(1)} s, evaluate ${((t3 - t2) / 1000).toFixed(1)} s\n`);
}, 600_000);

afterAll(async () => {
  await db?.close();
});

const kpis = (): KpiSummary[] => report.programmes.flatMap((p) => p.kpis);

describe('every Table 1 outcome with its window, period, comparators and effect', () => {
  it('lists the study file’s outcomes, per programme, with the window and period the file gives', () => {
    expect(report.gpnet).toBe('evaluate-study');
    expect(report.programmes.map((p) => p.id)).toEqual(study.programmes.map((p) => p.id));
    expect(kpis().map((k) => k.indicator)).toEqual(outcomes.map((o) => o.outcome.indicator));
    for (const [i, k] of kpis().entries()) {
      const o = outcomes[i]!.outcome;
      expect(k.window).toMatchObject({ from: o.window.from, to: o.window.to });
      expect([k.period, k.year_basis, k.phase_in]).toEqual([o.period, o.year_basis, o.phase_in]);
      expect(k.status, `${k.indicator}: ${k.reason ?? ''}`).toBe('ok');
      expect(['comparative ITS', 'comparative before/after']).toContain(k.method);
    }
  });

  it('starts no window before 2004', () => {
    for (const k of kpis()) {
      expect(k.window.first_period_end >= '2004-01-01', `${k.indicator}: ${k.window.first_period_end}`).toBe(true);
      expect(Number(k.window.from.slice(0, 4))).toBeGreaterThanOrEqual(2004);
    }
  });

  it('compares with London and England everywhere, and with the two neighbouring PCTs for diabetes and CVD; every comparison has an effect with CI and P', () => {
    const expected: Record<string, string[]> = {
      childhood_immunisation: ['SYNB-LON', 'SYNB-ENG'],
      diabetes: ['SYNB-PCTA', 'SYNB-PCTB', 'SYNB-LON', 'SYNB-ENG'],
      copd: ['SYNB-LON', 'SYNB-ENG'],
      cvd: ['SYNB-PCTA', 'SYNB-PCTB', 'SYNB-LON', 'SYNB-ENG'],
    };
    for (const c of report.comparators) expect(c.available, `${c.code}: ${c.reason ?? ''}`).toBe(true);
    for (const p of report.programmes) {
      expect(p.comparators).toEqual(expected[p.id]);
      for (const k of p.kpis) {
        expect(k.comparisons.map((c) => c.comparator)).toEqual(expected[p.id]);
        for (const c of k.comparisons) {
          expect(c.status, `${k.indicator} vs ${c.comparator}: ${c.reason ?? ''}`).toBe('ok');
          const e = c.effect!;
          expect(e.method).toBe(k.method);
          expect(e.ci_lower).toBeLessThanOrEqual(e.estimate);
          expect(e.ci_upper).toBeGreaterThanOrEqual(e.estimate);
          expect(e.p === null || (e.p >= 0 && e.p <= 1)).toBe(true);
        }
      }
    }
  });

  // The sign is asserted wherever the published change is larger than twice the effect's standard
  // error (from its 95% CI), as the Table 1 acceptance test does for the values: there the demo can
  // show it. The post-MI review (+2.4 points published) and cardiac rehabilitation (−7.1), measured
  // on about 100 new MIs a year at 300,000 patients (a standard error of about 8 points), are below
  // that: there the effect must not contradict the study (its CI reaches the published direction).
  it('gives MMR1, diabetes, COPD and CVD effects the published sign against every comparator', () => {
    const signed = kpis().filter((k) => k.in_table && k.expected !== 'none');
    expect(new Set(signed.map((k) => report.programmes.find((p) => p.kpis.includes(k))!.id))).toEqual(new Set(['childhood_immunisation', 'diabetes', 'copd', 'cvd']));
    let asserted = 0;
    for (const k of signed) {
      const sign = k.expected === 'increase' ? 1 : -1;
      const [from, to] = k.published;
      const publishedChange = from && to && from.measure === 'value' ? Math.abs(to.published - from.published) : Infinity;
      for (const c of k.comparisons) {
        expect(c.effect, `${k.indicator} vs ${c.comparator}: ${c.status} ${c.reason ?? ''}`).toBeDefined();
        const e = c.effect!;
        const se = (e.ci_upper - e.ci_lower) / (2 * 1.959964);
        if (publishedChange > 2 * se) {
          asserted += 1;
          expect(Math.sign(e.estimate), `${k.indicator} vs ${c.comparator}: effect ${e.estimate}`).toBe(sign);
        } else {
          expect(sign > 0 ? e.ci_upper : -e.ci_lower, `${k.indicator} vs ${c.comparator}: CI ${e.ci_lower} to ${e.ci_upper} excludes the published direction`).toBeGreaterThan(0);
        }
      }
    }
    // Every other KPI is decided by its sign, against every comparator.
    const undecided = signed.filter((k) => k.indicator === 'mi-review-3-weeks' || k.indicator === 'cardiac-rehab').reduce((n, k) => n + k.comparisons.length, 0);
    expect(asserted).toBe(signed.reduce((n, k) => n + k.comparisons.length, 0) - undecided);
  });

  it('has the demo’s values at the published dates within the calibration table’s tolerance', async () => {
    const table = await calibrationTable(db, study, report.organisation.code);
    const published = kpis().flatMap((k) => k.published.map((p) => ({ indicator: k.indicator, ...p })));
    expect(published).toHaveLength(table.rows.length);
    for (const [i, p] of published.entries()) {
      const row = table.rows[i]!;
      expect([p.indicator, p.month, p.published, p.tolerance]).toEqual([row.indicator, row.date.slice(0, 7), row.published, row.tolerance]);
      expect(p.demo).toBeCloseTo(row.demo!, 9);
      expect(p.within, `${p.indicator} at ${p.month}: published ${p.published}, demo ${p.demo}, tolerance ±${p.tolerance}`).toBe(true);
    }
  });
});

describe('the calibration table in docs/GENERATOR.md', () => {
  it.runIf(PATIENTS === 300_000)('is the output of gpnet demo --calibration on the default demo (regenerate with bench/calibration-doc.mjs)', async () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'GENERATOR.md'), 'utf8');
    const section = /<!-- calibration:start \(bench\/calibration-doc\.mjs\) -->\n([\s\S]*?)<!-- calibration:end -->/.exec(doc)?.[1];
    expect(section, 'docs/GENERATOR.md has the calibration markers').toBeDefined();
    expect(section).toBe(renderCalibrationMarkdown(await calibrationTable(db, study, report.organisation.code)));
    expect(doc).toContain('**The demo is calibrated to these values**');
  });
});

describe('costs', () => {
  it('takes every scheme year from the incentive calculation: advance + performance − clawback', () => {
    const expectedYears: Record<string, number[]> = { childhood_immunisation: [2009, 2010], diabetes: [2009, 2010, 2011], copd: [2010, 2011, 2012], cvd: [] };
    for (const p of report.programmes) {
      expect(p.costs.schemes.map((s) => s.year)).toEqual(expectedYears[p.id]);
      for (const s of p.costs.schemes) {
        expect(s.status, s.reason).toBe('ok');
        expect(s.total_pence).toBe(s.advance_pence + s.performance_pence - s.clawback_pence);
      }
      expect(p.costs.total_pence).toBe(p.costs.schemes.reduce((a, s) => a + s.total_pence, 0));
    }
    // Childhood immunisation: £112,000 over the scheme's two years (a lifetime pot), £56,000 a year, half in advance;
    // so the programme's incentive cost cannot pass £112,000.
    const mmr = report.programmes[0]!.costs;
    expect(mmr.schemes.map((s) => s.advance_pence)).toEqual([2_800_000, 2_800_000]);
    expect(mmr.incentive_pence).toBeLessThanOrEqual(11_200_000);
    expect(report.programmes[3]!.costs.complete).toBe(false);
  });

  it('reports additional patients at the window end and the cost per additional patient where the change was found', () => {
    const p = report.programmes.find((x) => x.id === 'copd')!;
    const k = p.kpis.find((x) => x.indicator === 'copd-review')!;
    for (const c of k.comparisons) {
      const a = c.additional_patients!;
      expect(a.horizon).toBe(k.window.last_period_end.slice(0, 7));
      expect(a.at_horizon).toBeGreaterThan(0);
      if (c.finding === 'significant increase') expect(a.cost_per_additional_patient_pence).toBe(Math.round(p.costs.total_pence / a.at_horizon));
      else expect(a.cost_per_additional_patient_pence).toBeNull();
    }
  });
});

describe('the report', () => {
  it('prints each outcome’s window and period in Markdown', () => {
    const md = renderStudyMarkdown(report);
    for (const p of study.programmes) expect(md).toContain(`## ${p.title}`);
    expect(md).toContain('mmr1-by-2: quarterly, 2006-Q1–2010-Q3;');
    expect(md).toContain('| KPI | Window | Method | Published start / gpnet | Published end / gpnet | Target met (end) | Effect vs Rest of London (P) |');
    expect(md).toContain('**Childhood immunisation: costs**');
    // The 2009/10 advance: half of that year's £56,000 part of the £112,000 lifetime pot.
    expect(md).toContain('| Childhood immunisation care package, network incentive | 2009/10 | £28,000 |');
  });
  it('prints to a PDF whose text holds the tables', async () => {
    const pdf = await htmlToPdf(renderStudyHtml(report));
    const dir = mkdtempSync(join(tmpdir(), 'gpnet-study-pdf-'));
    try {
      const file = join(dir, 'table1.pdf');
      writeFileSync(file, pdf);
      // Words only: a long title or cell wraps over lines.
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toContain('impact evaluation');
      for (const p of study.programmes) expect(text).toContain(p.title);
      expect(text).toContain('mmr1-by-2');
      expect(text).toContain('2006-Q1–2010-Q3');
      expect(text).toContain('£28,000');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
