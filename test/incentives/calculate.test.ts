import { afterEach, describe, expect, it } from 'vitest';
import { calculateScheme } from '../../src/programmes/incentives/calculate.js';
import type { Calculation, NetworkOutcome } from '../../src/programmes/incentives/calculation-types.js';
import type { Engine } from '../../src/store/engine.js';
import { CATALOGUE, addResults, scheme, storeWith } from './helpers.js';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const net = (calc: Calculation, code: string): NetworkOutcome => {
  const n = calc.networks.find((x) => x.code === code);
  if (!n) throw new Error(`no network ${code}`);
  return n;
};

/** Every network's money adds up, and the scheme totals are the sums. */
function expectConsistent(calc: Calculation): void {
  for (const n of calc.networks) {
    expect(n.advance_pence + n.performance_pot_pence).toBe(n.pot_pence);
    expect(n.performance_pence + n.unearned_pence).toBe(n.performance_pot_pence);
    expect(n.total_pence).toBe(n.advance_pence + n.performance_pence - n.clawback_pence);
    expect(n.components.reduce((s, c) => s + c.component_pot_pence, 0)).toBe(n.performance_pot_pence);
    expect(n.components.reduce((s, c) => s + c.advance_part_pence, 0)).toBe(n.advance_pence);
    expect(n.components.reduce((s, c) => s + c.earned_pence, 0)).toBe(n.performance_pence);
  }
  expect(calc.networks.reduce((s, n) => s + n.pot_pence, 0)).toBe(calc.totals.pot_pence);
  expect(calc.networks.reduce((s, n) => s + n.total_pence, 0)).toBe(calc.totals.total_pence);
}

describe('all or nothing, pot split equally', () => {
  const text = `
id: imm
title: Immunisation
years: 2009
pot:
  per: year
  total: "£100,000.01"
  split: { by: equal }
advance: { share: 50%, paid: year_start }
performance:
  share: 50%
  paid: "06-30 of next year"
  components:
    - { id: mmr1, indicator: mmr1-by-2, weight: 100%, rule: { type: all_or_nothing, target: 95 } }
`;

  it('pays the performance half only to networks at 95% or more, to the penny', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'], N3: ['P3'] });
    await addResults(engine, [
      { indicator: 'mmr1-by-2', org: 'N1', period: '2010-03-31', numerator: 380, denominator: 400 }, // exactly 95%: met
      { indicator: 'mmr1-by-2', org: 'N2', period: '2010-03-31', numerator: 949, denominator: 1000 }, // 94.9%: not met
      // N3 has no result at 31 March 2010 (only February): earns nothing, flagged.
      { indicator: 'mmr1-by-2', org: 'N3', period: '2010-02-28', numerator: 99, denominator: 100 },
      // A practice row at the date is not a network result and is not read.
      { indicator: 'mmr1-by-2', org: 'P3', period: '2010-03-31', numerator: 99, denominator: 100, kind: 'practice' },
    ]);
    const calc = await calculateScheme(engine, scheme(text), 2009, CATALOGUE);
    // By hand. Pot 10,000,001p split equally three ways: 3,333,333 each, remainder 2 each;
    // 2 pennies left go to N1 and N2 (equal remainders: code order) → 3,333,334 / 3,333,334 / 3,333,333.
    expect(calc.networks.map((n) => n.pot_pence)).toEqual([3_333_334, 3_333_334, 3_333_333]);
    // Advance: 50% of the scheme's 10,000,001 = 5,000,000.5 and 5,000,000.5 → equal remainders, the advance (listed
    // first) takes the penny: 5,000,001. Shared by the pots: 5,000,001 × 3,333,334 / 10,000,001 = 1,666,667.17 (N1, N2)
    // and × 3,333,333 / 10,000,001 = 1,666,666.67 (N3) → floors 5,000,000, the penny to N3 (.67): 1,666,667 each.
    // N1: advance 1,666,667, performance pot 3,333,334 − 1,666,667 = 1,666,667; 95.0% ≥ 95 → all earned. Total 3,333,334.
    expect(net(calc, 'N1')).toMatchObject({ advance_pence: 1_666_667, performance_pot_pence: 1_666_667, performance_pence: 1_666_667, total_pence: 3_333_334 });
    expect(net(calc, 'N1').components[0]).toMatchObject({ status: 'met', achievement: '95.000000', earned_share: '1.000000' });
    // N2: 94.9% < 95 → nothing earned; total = advance 1,666,667.
    expect(net(calc, 'N2')).toMatchObject({ advance_pence: 1_666_667, performance_pence: 0, unearned_pence: 1_666_667, total_pence: 1_666_667 });
    expect(net(calc, 'N2').components[0]?.status).toBe('not_met');
    // N3: advance 1,666,667, performance pot 3,333,333 − 1,666,667 = 1,666,666; missing result → 0 earned. Total 1,666,667.
    expect(net(calc, 'N3')).toMatchObject({ advance_pence: 1_666_667, performance_pot_pence: 1_666_666, performance_pence: 0, total_pence: 1_666_667 });
    expect(net(calc, 'N3').components[0]).toMatchObject({ status: 'missing', result: null, value: null });
    expect(calc.warnings).toEqual([expect.stringMatching(/^N3: no mmr1-by-2 result for 2010-03-31/)]);
    // Scheme: pot 10,000,001 = advance 5,000,001 + performance pot 5,000,000; paid 5,000,001 + 1,666,667 = 6,666,668.
    expect(calc.totals).toEqual({
      pot_pence: 10_000_001,
      advance_pence: 5_000_001,
      performance_pot_pence: 5_000_000,
      performance_pence: 1_666_667,
      unearned_pence: 3_333_333,
      clawback_pence: 0,
      total_pence: 6_666_668,
    });
    expectConsistent(calc);
    // Trace: the two network rows read, with their definition hashes.
    expect(calc.trace.results.map((r) => [r.org_code, r.period_end, r.definition_hash, r.current_definition])).toEqual([
      ['N1', '2010-03-31', 'hash-mmr1-by-2', true],
      ['N2', '2010-03-31', 'hash-mmr1-by-2', true],
    ]);
    expect(net(calc, 'N1').advance_paid_on).toBe('2009-04-01');
    expect(net(calc, 'N1').performance_paid_on).toBe('2010-06-30');
  });

  it('is deterministic: the same store gives the same calculation, byte for byte', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'] });
    await addResults(engine, [{ indicator: 'mmr1-by-2', org: 'N1', period: '2010-03-31', numerator: 96, denominator: 100 }]);
    const s = scheme(text);
    const a = JSON.stringify(await calculateScheme(engine, s, 2009, CATALOGUE));
    const b = JSON.stringify(await calculateScheme(engine, s, 2009, CATALOGUE));
    expect(b).toBe(a);
  });

  it('flags results computed with another definition of the indicator', async () => {
    engine = await storeWith({ N1: ['P1'] });
    await addResults(engine, [{ indicator: 'mmr1-by-2', org: 'N1', period: '2010-03-31', numerator: 96, denominator: 100, hash: 'an-old-definition' }]);
    const calc = await calculateScheme(engine, scheme(text), 2009, CATALOGUE);
    expect(calc.trace.results[0]?.current_definition).toBe(false);
    expect(calc.warnings.join('\n')).toMatch(/mmr1-by-2: results were computed with a definition other than the current one/);
  });
});

describe('sliding scale, per-network pot, lower-is-better mean', () => {
  const text = `
id: dm
title: Diabetes
years: { from: 2009, to: 2011 }
pot: { per: year, per_network: "£10,000.03" }
advance: { share: 70%, paid: year_start }
performance:
  share: 30%
  components:
    - { id: care-plan, indicator: dm-care-plan, weight: 33.33%, rule: { type: sliding_scale, lower: 50, upper: 90 } }
    - { id: bp-chol, indicator: dm-bp-chol, weight: 33.33%, rule: { type: sliding_scale, lower: 35, upper: 50 } }
    - { id: hba1c, indicator: dm-hba1c-mean, weight: 33.34%, rule: { type: sliding_scale, lower: 7.5, upper: 8.0 } }
`;

  it('pays linearly between the thresholds, rounding each payment once', async () => {
    engine = await storeWith({ N1: ['P1'] });
    await addResults(engine, [
      { indicator: 'dm-care-plan', org: 'N1', period: '2011-03-31', numerator: 200, denominator: 300 }, // 66.67%
      { indicator: 'dm-bp-chol', org: 'N1', period: '2011-03-31', numerator: 60, denominator: 100 }, // 60%
      { indicator: 'dm-hba1c-mean', org: 'N1', period: '2011-03-31', numerator: 766, denominator: 100, value: 7.66 },
    ]);
    const calc = await calculateScheme(engine, scheme(text), 2010, CATALOGUE);
    const n = net(calc, 'N1');
    // Pot 1,000,003p. 70/30: 700,002.1 and 300,000.9 → the leftover penny to the larger remainder:
    // advance 700,002, performance pot 300,001.
    expect(n).toMatchObject({ pot_pence: 1_000_003, advance_pence: 700_002, performance_pot_pence: 300_001 });
    // Components 33.33/33.33/33.34% of 300,001: 99,990.33 / 99,990.33 / 100,020.33 → floors 99,990 / 99,990 /
    // 100,020, one penny left, largest remainder (0.3334) → 100,021.
    expect(n.components.map((c) => c.component_pot_pence)).toEqual([99_990, 99_990, 100_021]);
    // care plan 200/300 = 66 2/3 %: share (66 2/3 − 50) / (90 − 50) = 5/12; 99,990 × 5/12 = 41,662.5 → 41,663 (half up).
    expect(n.components[0]).toMatchObject({ achievement: '66.666667', earned_share: '0.416667', status: 'partial', earned_pence: 41_663 });
    // BP and cholesterol 60% is above the upper threshold 50: all 99,990.
    expect(n.components[1]).toMatchObject({ earned_share: '1.000000', status: 'met', earned_pence: 99_990 });
    // Mean HbA1c 7.66, lower is better: (8.0 − 7.66) / (8.0 − 7.5) = 0.68; 100,021 × 0.68 = 68,014.28 → 68,014.
    expect(n.components[2]).toMatchObject({ direction: 'lower', achievement: '7.660000', earned_share: '0.680000', earned_pence: 68_014 });
    // Performance 41,663 + 99,990 + 68,014 = 209,667; total 700,002 + 209,667 = 909,669.
    expect(n).toMatchObject({ performance_pence: 209_667, clawback_pence: 0, total_pence: 909_669 });
    // A yearly pot (per: year) over three years: lifetime 3 × 1,000,003; after 2010/11, one year's pot is left.
    expect(calc.pot).toEqual({ basis: 'per_network', total_pence: 1_000_003, per_network_pence: 1_000_003, per: 'year', lifetime_pot_pence: 3_000_009, left_after_year_pence: 1_000_003, year_part: null });
    expectConsistent(calc);
  });

  it('pays nothing at or below the lower threshold and everything at the upper', async () => {
    engine = await storeWith({ N1: ['P1'] });
    await addResults(engine, [
      { indicator: 'dm-care-plan', org: 'N1', period: '2010-03-31', numerator: 50, denominator: 100 }, // at lower: 0
      { indicator: 'dm-bp-chol', org: 'N1', period: '2010-03-31', numerator: 50, denominator: 100 }, // at upper: all
      { indicator: 'dm-hba1c-mean', org: 'N1', period: '2010-03-31', numerator: 830, denominator: 100, value: 8.3 }, // worse than 8.0: 0
    ]);
    const calc = await calculateScheme(engine, scheme(text), 2009, CATALOGUE);
    expect(net(calc, 'N1').components.map((c) => [c.status, c.earned_pence])).toEqual([
      ['not_met', 0],
      ['met', 99_990],
      ['not_met', 0],
    ]);
  });
});

describe('floor with clawback', () => {
  const text = `
id: copd
title: COPD
years: 2010
pot: { per: year, per_network: "£9,000.01" }
advance: { share: 70%, paid: year_start }
performance:
  share: 30%
  components:
    - id: review
      indicator: copd-review
      weight: 50%
      rule: { type: sliding_scale, lower: 50, upper: 80 }
      floor: { value: 45, clawback: 50% }
    - { id: pr, indicator: copd-pr-referral, weight: 50%, rule: { type: sliding_scale, lower: 40, upper: 75 } }
`;

  it('claws back half of the component\'s part of the advance below the floor, and not at it', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'] });
    await addResults(engine, [
      { indicator: 'copd-review', org: 'N1', period: '2011-03-31', numerator: 40, denominator: 100 }, // 40% < floor 45
      { indicator: 'copd-pr-referral', org: 'N1', period: '2011-03-31', numerator: 23, denominator: 40 }, // 57.5%
      { indicator: 'copd-review', org: 'N2', period: '2011-03-31', numerator: 45, denominator: 100 }, // exactly the floor
      { indicator: 'copd-pr-referral', org: 'N2', period: '2011-03-31', numerator: 75, denominator: 100 }, // upper
    ]);
    const calc = await calculateScheme(engine, scheme(text), 2010, CATALOGUE);
    // Scheme pot 2 × 900,001 = 1,800,002p. 70/30: 1,260,001.4 and 540,000.6 → the penny to the larger remainder:
    // advance 1,260,001 for the scheme. Shared by the (equal) pots: 630,000.5 each, equal remainders → code order:
    // N1 630,001, N2 630,000. Performance pots: N1 900,001 − 630,001 = 270,000; N2 270,001.
    const n1 = net(calc, 'N1');
    expect(n1).toMatchObject({ advance_pence: 630_001, performance_pot_pence: 270_000 });
    // N1's advance parts 50/50 of 630,001: 315,000.5 each, equal remainders → the first gets the penny: 315,001 / 315,000.
    expect(n1.components.map((c) => c.advance_part_pence)).toEqual([315_001, 315_000]);
    // N1 review 40%: below the lower threshold → 0 earned; below the floor → clawback 315,001 × 50% = 157,500.5 → 157,501.
    expect(n1.components[0]).toMatchObject({ status: 'not_met', earned_pence: 0, below_floor: true, clawback_pence: 157_501 });
    // N1 PR referral 23/40 = 57.5%: (57.5 − 40) / (75 − 40) = 0.5 of 135,000 → 67,500.
    expect(n1.components[1]).toMatchObject({ earned_share: '0.500000', earned_pence: 67_500, clawback_pence: 0 });
    // Total 630,001 + 67,500 − 157,501 = 540,000.
    expect(n1).toMatchObject({ performance_pence: 67_500, clawback_pence: 157_501, total_pence: 540_000 });
    // N2 review exactly 45%: not below the floor → no clawback; nothing earned (below 50).
    // N2's performance pot 270,001 → 135,000.5 each → review 135,001, PR 135,000; PR 75% → all 135,000.
    const n2 = net(calc, 'N2');
    expect(n2).toMatchObject({ advance_pence: 630_000, performance_pot_pence: 270_001 });
    expect(n2.components.map((c) => c.component_pot_pence)).toEqual([135_001, 135_000]);
    expect(n2.components[0]).toMatchObject({ below_floor: false, clawback_pence: 0, earned_pence: 0 });
    // Total 630,000 + 135,000 = 765,000.
    expect(n2).toMatchObject({ performance_pence: 135_000, clawback_pence: 0, total_pence: 765_000 });
    expect(calc.totals).toMatchObject({ pot_pence: 1_800_002, advance_pence: 1_260_001, performance_pot_pence: 540_001, clawback_pence: 157_501, total_pence: 1_305_000 });
    expectConsistent(calc);
  });
});

describe('pot split by list size', () => {
  const text = (source: string): string => `
id: ls
title: List size split
years: 2009
pot:
  per: year
  total: "£1,000,000"
  split: { by: list_size, date: year_start, source: ${source} }
advance: { share: 100%, paid: year_start }
performance:
  share: 0%
  components:
    - { id: mmr1, indicator: mmr1-by-2, weight: 100%, rule: { type: all_or_nothing, target: 95 } }
`;

  async function registrations(e: Engine): Promise<void> {
    // [patient, practice, start, end (exclusive), death]
    const regs: [number, string, string, string | null, string | null][] = [
      [1, 'P1', '2005-01-01', null, null],
      [2, 'P1', '2008-06-01', null, null],
      [3, 'P1', '2005-01-01', null, '2009-01-15'], // died before 1 April 2009: not counted
      [4, 'P2', '2009-04-01', null, null], // starts on the date: counted
      [5, 'P3', '2001-01-01', null, null],
      [6, 'P3', '2001-01-01', null, null],
      [7, 'P3', '2001-01-01', null, null],
      [8, 'P3', '2001-01-01', '2009-04-01', null], // left on the date (end is exclusive): not counted
      [9, 'P4', '2001-01-01', null, '2009-04-02'], // dies the day after: counted
      [10, 'P4', '2009-05-01', null, null], // registers after the date: not counted
    ];
    await e.insertRows(
      'patient',
      ['id', 'birth_date', 'sex', 'death_date'],
      regs.map(([id, , , , death]) => [id, '1950-01-01', 'F', death]),
    );
    await e.insertRows(
      'registration',
      ['patient_id', 'practice', 'start_date', 'end_date'],
      regs.map(([id, p, s, end]) => [id, p, s, end]),
    );
  }

  it('splits by patients registered and alive on the date, adding up exactly to the pot', async () => {
    engine = await storeWith({ N1: ['P1', 'P2'], N2: ['P3'], N3: ['P4'] });
    await registrations(engine);
    const calc = await calculateScheme(engine, scheme(text('registration')), 2009, CATALOGUE);
    // List sizes on 1 April 2009: N1 = P1 2 + P2 1 = 3; N2 = P3 3; N3 = P4 1. Total 7.
    expect(calc.networks.map((n) => n.split_size)).toEqual([3, 3, 1]);
    expect(calc.trace.list_sizes).toEqual([
      { network: 'N1', practice: 'P1', patients: 2 },
      { network: 'N1', practice: 'P2', patients: 1 },
      { network: 'N2', practice: 'P3', patients: 3 },
      { network: 'N3', practice: 'P4', patients: 1 },
    ]);
    // 100,000,000p × 3/7 = 42,857,142 r 6 (N1 and N2); × 1/7 = 14,285,714 r 2 (N3). Floors sum to 99,999,998;
    // the 2 pennies go to the largest remainders, N1 and N2.
    expect(calc.networks.map((n) => n.pot_pence)).toEqual([42_857_143, 42_857_143, 14_285_714]);
    expect(calc.totals.pot_pence).toBe(100_000_000);
    // All advance (100%), so each network is paid its pot; the scheme pays exactly £1,000,000.00.
    expect(calc.totals.total_pence).toBe(100_000_000);
    expect(calc.pot).toEqual({ basis: 'list_size', total_pence: 100_000_000, date: '2009-04-01', source: 'registration', per: 'year', lifetime_pot_pence: 100_000_000, left_after_year_pence: 0, year_part: null });
    expectConsistent(calc);
  });

  it("splits by the practices' reference list sizes", async () => {
    engine = await storeWith({ N1: ['P1', 'P2'], N2: ['P3'], N3: ['P4'] }, { P1: 4000, P2: 2500, P3: 6500, P4: 2000 });
    const calc = await calculateScheme(engine, scheme(text('list_size_reference')), 2009, CATALOGUE);
    // 6,500 : 6,500 : 2,000 of 15,000. 100,000,000 × 6500/15000 = 43,333,333.33 (twice), × 2000/15000 = 13,333,333.33.
    // Floors 99,999,999; one penny left; remainders equal → larger weight first, then code: N1.
    expect(calc.networks.map((n) => n.pot_pence)).toEqual([43_333_334, 43_333_333, 13_333_333]);
    expect(calc.totals.pot_pence).toBe(100_000_000);
  });

  it('refuses to split when no network has registered patients', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'] });
    await expect(calculateScheme(engine, scheme(text('registration')), 2009, CATALOGUE)).rejects.toThrow(/no network has registered patients on 2009-04-01.*list_size_reference/);
  });
});

describe('pot split by register size', () => {
  const text = `
id: copd-reg
title: COPD by register
years: 2010
pot:
  per: year
  total: "£300,000"
  split: { by: register, indicator: copd-register }
advance: { share: 70%, paid: year_start }
performance:
  share: 30%
  components:
    - { id: review, indicator: copd-review, weight: 100%, rule: { type: all_or_nothing, target: 80 } }
`;

  it('uses each network\'s register (count numerator) on 31 March before the year', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'], N3: ['P3'] });
    await addResults(engine, [
      { indicator: 'copd-register', org: 'N1', period: '2010-03-31', numerator: 500, denominator: 20000 },
      { indicator: 'copd-register', org: 'N2', period: '2010-03-31', numerator: 300, denominator: 15000 },
      { indicator: 'copd-register', org: 'N3', period: '2010-03-31', numerator: 201, denominator: 9000 },
      { indicator: 'copd-review', org: 'N1', period: '2011-03-31', numerator: 80, denominator: 100 },
    ]);
    const calc = await calculateScheme(engine, scheme(text), 2010, CATALOGUE);
    // 30,000,000p by 500 : 300 : 201 (1,001): 14,985,014.98 / 8,991,008.99 / 6,023,976.02 → floors 14,985,014 /
    // 8,991,008 / 6,023,976 = 29,999,998; 2 pennies to the largest remainders (.99 N2, .98 N1).
    expect(calc.networks.map((n) => n.pot_pence)).toEqual([14_985_015, 8_991_009, 6_023_976]);
    expect(calc.totals.pot_pence).toBe(30_000_000);
    expect(calc.pot).toMatchObject({ basis: 'register', indicator: 'copd-register', measure: 'numerator', date: '2010-03-31' });
    // The register rows are in the trace too.
    expect(calc.trace.results.filter((r) => r.indicator_id === 'copd-register').map((r) => r.org_code)).toEqual(['N1', 'N2', 'N3']);
    // Advance: 70% of 30,000,000 = 21,000,000 exactly, shared by the pots: N1 10,489,510.5, N2 6,293,706.3,
    // N3 4,216,783.2 → floors 20,999,999, the penny to N1 (.5). N1 meets 80%: all its 4,495,504 performance earned.
    expect(calc.networks.map((n) => n.advance_pence)).toEqual([10_489_511, 6_293_706, 4_216_783]);
    expect(calc.totals.advance_pence).toBe(21_000_000);
    expect(net(calc, 'N1')).toMatchObject({ advance_pence: 10_489_511, performance_pence: 4_495_504, total_pence: 14_985_015 });
    expectConsistent(calc);
  });

  it('refuses to split when a network has no register result', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'] });
    await addResults(engine, [{ indicator: 'copd-register', org: 'N1', period: '2010-03-31', numerator: 500, denominator: 20000 }]);
    await expect(calculateScheme(engine, scheme(text), 2010, CATALOGUE)).rejects.toThrow(/no copd-register result on 2010-03-31 for network N2/);
  });
});

describe('networks taking part', () => {
  it('uses only the networks the scheme lists, and refuses unknown ones', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'], N3: ['P3'] });
    const base = `
id: some
title: Some networks
years: 2009
pot: { per: year, per_network: 1000 }
advance: { share: 100%, paid: year_start }
performance:
  share: 0%
  components:
    - { id: mmr1, indicator: mmr1-by-2, weight: 100%, rule: { type: all_or_nothing, target: 95 } }
`;
    const calc = await calculateScheme(engine, scheme(`${base}networks: [N3, N1]\n`), 2009, CATALOGUE);
    expect(calc.networks.map((n) => n.code)).toEqual(['N1', 'N3']);
    expect(calc.totals.pot_pence).toBe(200_000);
    await expect(calculateScheme(engine, scheme(`${base}networks: [N1, N9]\n`), 2009, CATALOGUE)).rejects.toThrow(/N9/);
  });
});
