import { describe, expect, it } from 'vitest';
import { loadCodelists } from './load.js';

describe('project codelists', () => {
  const lists = loadCodelists();
  it('loads every list in codelists.yaml with its codes', () => {
    expect(lists.size).toBeGreaterThanOrEqual(30);
    expect(lists.get('dm_cod')?.codes.length).toBe(86);
    expect(lists.get('stat_cod')?.system).toBe('dmd');
  });
  it('builds unions and subsets from the real files', () => {
    const smoking = lists.get('smoking_status_cod')!;
    expect(smoking.codes.length).toBe(lists.get('lsmok_cod')!.codes.length + lists.get('exsmok_cod')!.codes.length);
    expect(lists.get('mrc_grade_3_plus')!.codes.map((c) => c.code)).toContain('389328007');
    const mmr = lists.get('mmr_vaccination')!;
    expect(mmr.codes.length).toBeGreaterThan(10);
  });
  it('keeps local concepts in the separate GPNET- code system', () => {
    for (const l of lists.values()) {
      if (l.system === 'gpnet-local') expect(l.codes.every((c) => c.code.startsWith('GPNET-'))).toBe(true);
      else expect(l.codes.every((c) => /^\d+$/.test(c.code))).toBe(true);
    }
  });
});
