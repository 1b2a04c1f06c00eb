import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/util/csv.js';
import { loadStudy, studyOutcomes } from '../../src/programmes/study.js';

// Drives the built CLI (bin/gpnet.js → dist/) as a user would. `npm test` builds first.
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gpnet-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function gpnet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gpnet CLI, end to end', () => {
  const db = join(work, 'e2e.duckdb');

  it('generates a small synthetic collaboration', () => {
    const r = gpnet('generate', '--patients', '4000', '--seed', '11', '--db', db);
    expect(r.stderr + r.stdout).not.toMatch(/Error:/);
    expect(r.status).toBe(0);
  });

  it('refuses to generate over an existing store', () => {
    const r = gpnet('generate', '--patients', '4000', '--seed', '11', '--db', db);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/already|--force/);
  });

  it('measures every indicator for a range of months', () => {
    const r = gpnet('measure', '--db', db, '--from', '2010-01', '--to', '2010-06');
    expect(r.status).toBe(0);
  });

  it('exports results as CSV with the documented columns', () => {
    const r = gpnet('export', 'results', '--db', db, '--format', 'csv');
    expect(r.status).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(['indicator_id', 'org_kind', 'org_code', 'period_end', 'numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'target', 'rag']);
    const body = rows.slice(1).filter((row) => row.length > 1);
    const periods = new Set(body.map((row) => row[3]));
    expect([...periods].sort()).toEqual(['2010-01-31', '2010-02-28', '2010-03-31', '2010-04-30', '2010-05-31', '2010-06-30']);
    const kinds = new Set(body.map((row) => row[1]));
    expect(kinds).toEqual(new Set(['practice', 'network', 'collaboration']));
    // Collaboration numerator = sum of its practices', for every indicator and period.
    const sums = new Map<string, number>();
    for (const row of body) if (row[1] === 'practice') sums.set(`${row[0]}|${row[3]}`, (sums.get(`${row[0]}|${row[3]}`) ?? 0) + Number(row[4]));
    for (const row of body) if (row[1] === 'collaboration') expect(Number(row[4])).toBeCloseTo(sums.get(`${row[0]}|${row[3]}`) ?? -1, 6);
  });

  it('exports JSON with the same rows', () => {
    const csv = parseCsv(gpnet('export', 'results', '--db', db, '--format', 'csv').stdout).slice(1).filter((r) => r.length > 1);
    const json = JSON.parse(gpnet('export', 'results', '--db', db, '--format', 'json').stdout) as Record<string, unknown>[];
    expect(json.length).toBe(csv.length);
    expect(Object.keys(json[0] ?? {})).toContain('ci_low');
  });

  it('gives a clear error for an unknown indicator and a bad month', () => {
    const a = gpnet('measure', '--db', db, '--indicator', 'no-such-indicator');
    expect(a.status).not.toBe(0);
    expect(a.stderr).toMatch(/no-such-indicator/);
    const b = gpnet('measure', '--db', db, '--from', '2010-13');
    expect(b.status).not.toBe(0);
    expect(b.stderr).toMatch(/2010-13/);
  });
});

describe('gpnet demo', () => {
  it('generates, measures and prints the programme summary with every Table 1 KPI', () => {
    const db = join(work, 'demo.duckdb');
    const r = gpnet('demo', '--db', db, '--patients', '6000', '--seed', '2', '--no-serve');
    expect(r.status).toBe(0);
    for (const id of ['mmr1-by-2', 'dm-care-plan', 'dm-hba1c-mean', 'copd-review', 'copd-register', 'cvd-care-plan']) expect(r.stdout).toContain(id);
    expect(r.stdout).toMatch(/Childhood immunisation\s+mmr1-by-2\s+2009-09\s+[\d.]+–[\d.]+/);
    // A second run reuses the store instead of regenerating it.
    const again = gpnet('demo', '--db', db, '--no-serve');
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/Using the 6,000 patients already in/);
  });

  it('--calibration prints every published value of the study file beside the demo’s, as Markdown or JSON, without serving', () => {
    const db = join(work, 'demo.duckdb'); // made by the test above
    const published = studyOutcomes(loadStudy('tower-hamlets')).flatMap((o) => (o.outcome.published ? [o.outcome.published.from, o.outcome.published.to] : []));
    const md = gpnet('demo', '--calibration', '--db', db);
    expect(md.status, md.stderr).toBe(0);
    const rows = md.stdout.split('\n').filter((l) => /^\| (childhood_immunisation|diabetes|copd|cvd) \|/.test(l));
    expect(rows).toHaveLength(published.length);
    expect(md.stdout).toContain('| Programme | Indicator | Published date | Published | Demo | Difference | Tolerance | Within |');
    expect(md.stdout).toMatch(/\| childhood_immunisation \| mmr1-by-2 \| 2009-09-30 \| 80 \| \d+\.\d \| [+-]?\d+\.\d \| ±5 \| (yes|no) \|/);
    const json = gpnet('demo', '--calibration', '--db', db, '--format', 'json');
    expect(json.status, json.stderr).toBe(0);
    const t = JSON.parse(json.stdout) as { gpnet: string; rows: { indicator: string; published: number; demo: number | null; difference: number | null; tolerance: number; within: boolean | null }[] };
    expect(t.gpnet).toBe('demo-calibration');
    expect(t.rows.map((r) => r.published)).toEqual(published.map((p) => ('value' in p ? p.value : p.relative)));
    for (const r of t.rows) {
      if (r.demo === null) continue;
      expect(r.difference).toBeCloseTo(r.demo - r.published, 9);
      expect(r.within).toBe(Math.abs(r.difference!) <= r.tolerance + 1e-9);
    }
    expect(gpnet('demo', '--db', db, '--format', 'json', '--no-serve').stderr).toContain('--format is for --calibration');
    expect(gpnet('demo', '--calibration', '--db', db, '--format', 'pdf').stderr).toContain('--format must be md or json');
  });
});

describe('gpnet demo, serving', () => {
  it('ends by serving the dashboard and printing its address', async () => {
    const { spawn } = await import('node:child_process');
    const db = join(work, 'demo.duckdb'); // made by the test above
    const child = spawn(process.execPath, [join(root, 'bin', 'gpnet.js'), 'demo', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /dashboard is open at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`demo exited with ${code} before serving: ${out}`)));
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const page = await fetch(`${url}/`);
      expect(await page.text()).toContain('Synthetic Collaboration');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
