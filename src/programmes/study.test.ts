import { describe, expect, it } from 'vitest';
import { loadStudy, monthEnd } from './study.js';

describe('study files', () => {
  it('loads the Tower Hamlets study with its four programmes', () => {
    const s = loadStudy('tower-hamlets');
    expect(s.programmes.map((p) => p.id)).toEqual(['childhood_immunisation', 'diabetes', 'copd', 'cvd']);
  });
  it('turns a month into its last day', () => {
    expect(monthEnd('2012-02')).toBe('2012-02-29');
    expect(monthEnd('2011-02')).toBe('2011-02-28');
    expect(monthEnd('2010-12')).toBe('2010-12-31');
  });
});
