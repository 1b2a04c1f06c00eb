import { describe, expect, it } from 'vitest';
import { DEFAULT_DISCLOSURE, describeDisclosure, disclosureJson, parseDisclosure, ruleText } from './rule.js';

describe('disclosure rule parsing', () => {
  it('reads suppress:L-H, round:N and none, and writes them back', () => {
    expect(parseDisclosure('suppress:1-7')).toEqual({ mode: 'suppress', low: 1, high: 7 });
    expect(parseDisclosure(' suppress:1-10 ')).toEqual({ mode: 'suppress', low: 1, high: 10 });
    expect(parseDisclosure('round:5')).toEqual({ mode: 'round', base: 5 });
    expect(parseDisclosure('none')).toEqual({ mode: 'none' });
    for (const t of ['suppress:1-7', 'round:10', 'none']) expect(ruleText(parseDisclosure(t))).toBe(t);
    expect(ruleText(DEFAULT_DISCLOSURE)).toBe('suppress:1-7');
  });

  it('names the option and the problem for bad values', () => {
    expect(() => parseDisclosure('suppress:7-1')).toThrow("--disclosure 'suppress:7-1': high must not be below the low end");
    expect(() => parseDisclosure('suppress:0-7')).toThrow(/--disclosure 'suppress:0-7': low .*1/);
    expect(() => parseDisclosure('round:1')).toThrow(/--disclosure 'round:1': base must be at least 2/);
    expect(() => parseDisclosure('round:x')).toThrow("--disclosure must be suppress:LOW-HIGH (e.g. suppress:1-7), round:N (e.g. round:5) or none, not 'round:x'");
    expect(() => parseDisclosure('suppress', 'disclosure in serve.yaml line 3')).toThrow(/^disclosure in serve.yaml line 3 must be/);
    expect(() => parseDisclosure('')).toThrow(/must be suppress/);
  });

  it('describes the rule for pages and the API', () => {
    expect(describeDisclosure(parseDisclosure('suppress:1-7'))).toMatch(/from 1 to 7 are not shown/);
    expect(describeDisclosure(parseDisclosure('round:5'))).toMatch(/nearest 5/);
    expect(disclosureJson(parseDisclosure('round:5'))).toMatchObject({ rule: 'round:5', mode: 'round', base: 5 });
  });
});
