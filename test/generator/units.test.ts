import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { BENCHMARK_AREAS, BENCHMARK_MODELS, benchmarkRows, historyMonthEnds } from '../../src/sources/synthetic/benchmarks.js';
import { CodePicker, CODE_PICKS } from '../../src/sources/synthetic/codes.js';
import { isTestRangeNhsNumber, isValidNhsNumber, nhsCheckDigit, nhsNumberTableSql } from '../../src/sources/synthetic/nhs-number.js';
import { buildPractices, looksLikeRealOdsCode } from '../../src/sources/synthetic/organisations.js';
import { programmeStart } from '../../src/sources/synthetic/programmes.js';
import { Rng, uniformFromBits } from '../../src/sources/synthetic/random.js';
import { AGE_BANDS, BOROUGH_AGE_SEX_2026, REFERENCE_PRACTICES, REFERENCE_TOTAL_2021 } from '../../src/sources/synthetic/reference-population.js';
import { parseCsv } from '../../src/util/csv.js';
import { CODELISTS } from './helpers.js';

describe('NHS numbers', () => {
  it('computes the modulus 11 check digit', () => {
    // 943 476 5919 is the example used in NHS Digital's documentation of the algorithm.
    expect(nhsCheckDigit('943476591')).toBe(9);
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
    // A stem whose remainder gives check digit 10 can never be used.
    const stems = Array.from({ length: 200 }, (_, i) => String(999000000 + i));
    expect(stems.some((s) => nhsCheckDigit(s) === null)).toBe(true);
    expect(isTestRangeNhsNumber('9434765919')).toBe(false);
  });

  it('enumerates exactly the valid test-range numbers in SQL, agreeing with the JS check', async () => {
    const db = await DuckDBEngine.open(':memory:');
    const rows = await db.all<{ k: number; nhs_number: string }>(`SELECT * FROM (${nhsNumberTableSql('1')}) ORDER BY k`);
    await db.close();
    let valid = 0;
    for (let s = 999_000_000; s < 1_000_000_000; s++) if (nhsCheckDigit(String(s)) !== null) valid++;
    expect(rows).toHaveLength(valid);
    expect(rows[0]?.k).toBe(1);
    expect(rows[rows.length - 1]?.k).toBe(valid);
    for (let i = 0; i < rows.length; i += 997) expect(isTestRangeNhsNumber((rows[i] as { nhs_number: string }).nhs_number)).toBe(true);
    expect(new Set(rows.map((r) => r.nhs_number)).size).toBe(valid);
  });
});

describe('hash-based uniforms', () => {
  it('are uniform and independent across tags and slots', async () => {
    const rng = new Rng(42);
    const db = await DuckDBEngine.open(':memory:');
    const u = (tag: number): string => rng.u(tag, 'id');
    const stats = await db.all<Record<string, number>>(`
      WITH t AS (SELECT id, ${u(2)} AS a, ${u(4)} AS b, ${rng.u(4, 'id', '1')} AS c, ${rng.bits(9, 'id')} AS h FROM range(200000) r(id))
      SELECT min(a) AS mn, max(a) AS mx, avg(a) AS mean, corr(a, b) AS ab, corr(b, c) AS bc,
             corr(${uniformFromBits('h', 0)}, ${uniformFromBits('h', 1)}) AS s01, corr(${uniformFromBits('h', 1)}, ${uniformFromBits('h', 2)}) AS s12,
             avg(${uniformFromBits('h', 2)}) AS s2mean,
             (SELECT sum((n - 2000.0) ^ 2 / 2000) FROM (SELECT count(*) AS n FROM t GROUP BY floor(a * 10), floor(b * 10))) AS chi2
      FROM t`);
    await db.close();
    const s = stats[0] as Record<string, number>;
    expect(s['mn']).toBeGreaterThanOrEqual(0);
    expect(s['mx']).toBeLessThan(1);
    expect(Math.abs((s['mean'] as number) - 0.5)).toBeLessThan(0.005);
    for (const k of ['ab', 'bc', 's01', 's12']) expect(Math.abs(s[k] as number), k).toBeLessThan(0.01);
    expect(Math.abs((s['s2mean'] as number) - 0.5)).toBeLessThan(0.005);
    // 100 cells, 99 degrees of freedom: the 99.9th percentile is about 149.
    expect(s['chi2']).toBeLessThan(149);
  });
});

describe('organisations', () => {
  it('groups the 36 reference practices into 8 networks of 4–5 with SYN codes and scaled sizes', () => {
    const ps = buildPractices(300_000, 0.55);
    expect(ps).toHaveLength(36);
    expect(ps.map((p) => p.code)).toEqual(Array.from({ length: 36 }, (_, i) => `SYNP${String(i + 1).padStart(2, '0')}`));
    const perNetwork = new Map<string, number>();
    for (const p of ps) perNetwork.set(p.networkCode, (perNetwork.get(p.networkCode) ?? 0) + 1);
    expect([...perNetwork.keys()].sort()).toEqual(['SYNN1', 'SYNN2', 'SYNN3', 'SYNN4', 'SYNN5', 'SYNN6', 'SYNN7', 'SYNN8']);
    for (const n of perNetwork.values()) expect([4, 5]).toContain(n);
    const total = ps.reduce((s, p) => s + p.listSizeReference, 0);
    expect(Math.abs(total - 300_000 * 0.55)).toBeLessThan(40);
    for (const p of ps) {
      expect(p.listSizeReference).toBe(Math.round((p.realListSize * 300_000 * 0.55) / REFERENCE_TOTAL_2021));
      expect(looksLikeRealOdsCode(p.code)).toBe(false);
    }
    const sizes = [...new Set(ps.map((p) => p.networkCode))].map((n) => ps.filter((p) => p.networkCode === n).reduce((s, p) => s + p.realListSize, 0));
    expect(Math.max(...sizes) / Math.min(...sizes)).toBeLessThan(1.25);
  });

  it('phases each programme across the networks inside the window the studies give', () => {
    const starts = (id: 'mmr' | 'dm' | 'copd' | 'cvd'): string[] => Array.from({ length: 8 }, (_, n) => programmeStart(id, n)).sort();
    expect(starts('mmr')[0]).toBe('2009-09-01');
    expect(starts('mmr')[7]).toBe('2010-01-01');
    expect(starts('dm')[0]).toBe('2009-10-01');
    expect(starts('dm')[7]).toBe('2010-04-01');
    expect(starts('copd')[0]).toBe('2010-04-01');
    expect(starts('copd')[7]).toBe('2010-06-01');
    expect(starts('cvd')[0]).toBe('2008-01-01');
    expect(starts('cvd')[7]).toBe('2010-04-01');
    expect(new Set(starts('dm')).size).toBe(8);
  });
});

describe('reference population', () => {
  const dir = '/work/shared/data/reference/ods';
  it.skipIf(!existsSync(`${dir}/gp-reg-pat-prac-all_ccg-08V_2021-01.csv`))('matches the NHS England CSVs it was derived from', () => {
    const all = parseCsv(readFileSync(`${dir}/gp-reg-pat-prac-all_ccg-08V_2021-01.csv`, 'utf8')).slice(1).filter((r) => r.length > 1);
    expect(REFERENCE_PRACTICES.map((p) => [p.source_code, p.list_size_2021])).toEqual(all.map((r) => [r[5], Number(r[9])]));
    expect(REFERENCE_TOTAL_2021).toBe(348_034);
    const quin = parseCsv(readFileSync(`${dir}/gp-reg-pat-prac-quin-age_tower-hamlets_2026-07.csv`, 'utf8')).slice(1).filter((r) => r.length > 1);
    const band = (b: string): number => (b === '95+' ? 19 : Number(b.split('_')[0]) / 5);
    const borough = { FEMALE: new Array(20).fill(0) as number[], MALE: new Array(20).fill(0) as number[] };
    for (const r of quin) {
      const [, , type, code, , , sex, age, n] = r as string[];
      if (sex === 'ALL' || age === 'ALL') continue;
      const i = band(age as string);
      const counts = borough[sex as 'FEMALE' | 'MALE'];
      if (type === 'PCN') counts[i] = (counts[i] ?? 0) + Number(n);
      if (type === 'GP') {
        const p = REFERENCE_PRACTICES.find((x) => x.source_code === code);
        expect(p, code).toBeDefined();
        expect((sex === 'FEMALE' ? p?.age_sex_2026?.female : p?.age_sex_2026?.male)?.[i], `${code} ${sex} ${age}`).toBe(Number(n));
      }
    }
    expect(BOROUGH_AGE_SEX_2026.female).toEqual(borough.FEMALE);
    expect(BOROUGH_AGE_SEX_2026.male).toEqual(borough.MALE);
    expect(REFERENCE_PRACTICES.filter((p) => p.age_sex_2026 === null)).toHaveLength(6);
    expect(AGE_BANDS).toHaveLength(20);
  });
});

describe('code picks', () => {
  it('are all in the named codelists, and a missing code is reported by name', () => {
    const picker = CodePicker.fromCodelists(CODELISTS);
    expect(picker.allCodes().length).toBeGreaterThan(40);
    const broken = new Map(CODELISTS);
    const dm = broken.get('dm_cod');
    if (!dm) throw new Error('dm_cod missing');
    broken.set('dm_cod', { ...dm, codes: dm.codes.filter((c) => c.code !== '44054006') });
    expect(CODE_PICKS.dm_cod.map(([code]) => code)).toContain('44054006');
    expect(() => CodePicker.fromCodelists(broken)).toThrow(/code 44054006 is not in codelist dm_cod/);
  });
});

describe('benchmark series', () => {
  it('gives every modelled indicator a monthly series for the four benchmarks, consistent and deterministic', () => {
    const rows = benchmarkRows(1);
    const months = historyMonthEnds();
    expect(months).toHaveLength(120);
    expect(months[0]).toBe('2004-01-31');
    expect(months[119]).toBe('2013-12-31');
    expect([...BENCHMARK_AREAS].sort()).toEqual(['SYNB-ENG', 'SYNB-LON', 'SYNB-PCTA', 'SYNB-PCTB']);
    expect(rows).toHaveLength(Object.keys(BENCHMARK_MODELS).length * 4 * 120);
    expect(benchmarkRows(1)).toEqual(rows);
    expect(benchmarkRows(2)).not.toEqual(rows);
    for (const r of rows) {
      expect(r.denominator).toBeGreaterThan(0);
      const kind = BENCHMARK_MODELS[r.indicator_id]?.kind;
      if (kind === 'proportion') expect(r.value).toBeCloseTo((100 * r.numerator) / r.denominator, 9);
      if (kind === 'count') expect(r.value).toBe(r.numerator);
      if (kind === 'rate') expect(r.value).toBeCloseTo((r.numerator * (BENCHMARK_MODELS[r.indicator_id]?.per ?? NaN)) / r.denominator, 9);
    }
    const eng = (id: string, month: string): number => rows.find((r) => r.benchmark === 'SYNB-ENG' && r.indicator_id === id && r.period_end === month)?.value ?? NaN;
    expect(eng('mmr1-by-2', '2009-09-30')).toBeGreaterThan(83);
    expect(eng('mmr1-by-2', '2009-09-30')).toBeLessThan(87);
    expect(eng('mmr1-by-2', '2011-03-31')).toBeGreaterThan(86);
    expect(eng('mmr1-by-2', '2011-03-31')).toBeLessThan(90);
  });
});

describe('benchmark series: the neighbouring PCTs and the study indicators', () => {
  const rows = benchmarkRows(1);
  const series = (area: string, id: string): { period_end: string; value: number; denominator: number; numerator: number }[] =>
    rows.filter((r) => r.benchmark === area && r.indicator_id === id);
  const yearMean = (area: string, id: string, year: number): number => {
    const s = series(area, id).filter((r) => r.period_end.startsWith(String(year)));
    return s.reduce((a, r) => a + r.value, 0) / s.length;
  };

  it('covers every indicator the study evaluates, for London, England and both PCTs', () => {
    const study = ['mmr1-by-2', 'dm-care-plan', 'dm-retinal-screening', 'dm-bp-chol', 'dm-hba1c-mean', 'copd-register', 'copd-review', 'copd-pr-referral', 'copd-smoking', 'copd-flu', 'dm-flu', 'cvd-statin', 'cvd-care-plan', 'cardiac-rehab',
      'mi-mortality-under-75', 'chd-bp-150-90', 'chd-chol-4', 'stroke-chol-4', 'dm-chol-4', 'dm-bp-140-80', 'cvd-flu', 'copd-emergency-admissions', 'mi-review-3-weeks',
      'hyp-bp-140-90', 'stroke-bp-140-90', 'chd-bp-140-90', 'chd-chol-5', 'stroke-chol-5', 'dm-chol-5'];
    for (const id of study) for (const area of BENCHMARK_AREAS) expect(series(area, id), `${area} ${id}`).toHaveLength(120);
    expect(BENCHMARK_MODELS['mi-mortality-under-75']).toMatchObject({ kind: 'rate', per: 100_000 });
    expect(BENCHMARK_MODELS['copd-emergency-admissions']).toMatchObject({ kind: 'rate', per: 1000 });
  });

  it('gives each PCT about 250,000–300,000 registered patients', () => {
    for (const area of ['SYNB-PCTA', 'SYNB-PCTB']) {
      for (const r of series(area, 'copd-register')) {
        expect(r.denominator, area).toBeGreaterThan(240_000);
        expect(r.denominator, area).toBeLessThan(300_000);
      }
    }
  });

  it('lets MI mortality under 75 fall about a quarter in England 2004–2010, and holds it as deaths per 100,000', () => {
    const fall = 1 - yearMean('SYNB-ENG', 'mi-mortality-under-75', 2010) / yearMean('SYNB-ENG', 'mi-mortality-under-75', 2004);
    expect(fall).toBeGreaterThan(0.15);
    expect(fall).toBeLessThan(0.35);
    for (const r of series('SYNB-PCTA', 'mi-mortality-under-75')) expect(Number.isInteger(r.numerator)).toBe(true);
  });

  it('moves the PCTs less than the collaboration around the programme dates, without a step', () => {
    // Published collaboration changes (Table 1): DM care plans 10 → 88, COPD reviews 53 → 86.5, MMR1 80 → 94.
    const change = (area: string, id: string, from: string, to: string): number => {
      const s = series(area, id);
      const at = (m: string): number => s.find((r) => r.period_end.startsWith(m))?.value ?? NaN;
      return at(to) - at(from);
    };
    for (const area of ['SYNB-PCTA', 'SYNB-PCTB']) {
      expect(change(area, 'dm-care-plan', '2009-03', '2012-03')).toBeLessThan((88 - 10) / 2);
      expect(change(area, 'copd-review', '2010-03', '2012-03')).toBeLessThan((86.5 - 53) / 2);
      expect(change(area, 'mmr1-by-2', '2009-09', '2011-03')).toBeLessThan((94 - 80) / 2);
      // No step: no month moves more than a few points (the noise) for the programme KPIs.
      for (const id of ['dm-care-plan', 'copd-review', 'mmr1-by-2', 'cvd-care-plan']) {
        const s = series(area, id);
        for (let i = 1; i < s.length; i++) expect(Math.abs((s[i]?.value ?? 0) - (s[i - 1]?.value ?? 0)), `${area} ${id} ${s[i]?.period_end}`).toBeLessThan(6);
      }
    }
  });
});
