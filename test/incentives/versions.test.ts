import { afterEach, describe, expect, it } from 'vitest';
import { calculateScheme } from '../../src/programmes/incentives/calculate.js';
import { changesMarkdown } from '../../src/programmes/incentives/format.js';
import { compareStoredVersions, listVersions, storeCalculation } from '../../src/programmes/incentives/versions.js';
import type { Engine } from '../../src/store/engine.js';
import { CATALOGUE, addResults, replaceResult, scheme, storeWith } from './helpers.js';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const TEXT = `
id: imm
title: Immunisation
years: 2009
pot: { per: year, per_network: "£14,000" }
advance: { share: 50%, paid: year_start }
performance:
  share: 50%
  components:
    - { id: mmr1, indicator: mmr1-by-2, weight: 100%, rule: { type: all_or_nothing, target: 95 } }
`;

describe('calculation versions', () => {
  it('stores version 1, does not duplicate an unchanged rerun, and makes version 2 after late data with the difference', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'] });
    await addResults(engine, [{ indicator: 'mmr1-by-2', org: 'N1', period: '2010-03-31', numerator: 96, denominator: 100 }]);
    const s = scheme(TEXT);

    // Version 1: N2's March result has not arrived. N1 met: 700,000 + 700,000; N2: advance only, 700,000.
    const v1 = await storeCalculation(engine, await calculateScheme(engine, s, 2009, CATALOGUE));
    expect(v1.version).toMatchObject({ version: 1, status: 'new', previous: null });
    expect(v1.changes).toBeNull();

    // Same data again: nothing new is stored; the existing version is reported.
    const again = await storeCalculation(engine, await calculateScheme(engine, s, 2009, CATALOGUE));
    expect(again.version).toMatchObject({ version: 1, status: 'unchanged', calculated_at: v1.version.calculated_at });
    expect(await listVersions(engine, 'imm', 2009)).toHaveLength(1);

    // Late data: N2 reached 95.5% (191/200). Version 2, and N2's performance goes from £0 to £7,000.
    await addResults(engine, [{ indicator: 'mmr1-by-2', org: 'N2', period: '2010-03-31', numerator: 191, denominator: 200 }]);
    const v2 = await storeCalculation(engine, await calculateScheme(engine, s, 2009, CATALOGUE));
    expect(v2.version).toMatchObject({ version: 2, status: 'new', previous: 1 });
    expect(v2.changes).toEqual({
      from_version: 1,
      to_version: 2,
      scheme_changed: false,
      total: { from: 2_100_000, to: 2_800_000, change: 700_000 },
      networks: [
        {
          code: 'N2',
          presence: 'both',
          pot: { from: 1_400_000, to: 1_400_000, change: 0 },
          advance: { from: 700_000, to: 700_000, change: 0 },
          performance: { from: 0, to: 700_000, change: 700_000 },
          clawback: { from: 0, to: 0, change: 0 },
          total: { from: 700_000, to: 1_400_000, change: 700_000 },
          components: [
            {
              id: 'mmr1',
              indicator: 'mmr1-by-2',
              value: { from: null, to: 95.5 },
              status: { from: 'missing', to: 'met' },
              earned: { from: 0, to: 700_000, change: 700_000 },
              clawback: { from: 0, to: 0, change: 0 },
            },
          ],
        },
      ],
    });
    const md = changesMarkdown(v2.changes as NonNullable<typeof v2.changes>);
    expect(md).toContain('Total paid: £21,000.00 → £28,000.00 (+£7,000.00).');
    expect(md).toContain('| N2 | £14,000.00 | £7,000.00 | £0.00 → £7,000.00 (+£7,000.00) | £0.00 | £7,000.00 → £14,000.00 (+£7,000.00) |');

    // A correction: N1's March figure is revised down to 94% → version 3; compare 1 with 3.
    await replaceResult(engine, { indicator: 'mmr1-by-2', org: 'N1', period: '2010-03-31', numerator: 94, denominator: 100 });
    const v3 = await storeCalculation(engine, await calculateScheme(engine, s, 2009, CATALOGUE));
    expect(v3.version.version).toBe(3);
    expect(v3.changes?.networks.map((n) => [n.code, n.total.change])).toEqual([['N1', -700_000]]);
    const oneToThree = await compareStoredVersions(engine, 'imm', 2009, 1, 3);
    expect(oneToThree.total).toEqual({ from: 2_100_000, to: 2_100_000, change: 0 });
    expect(oneToThree.networks.map((n) => [n.code, n.total.change])).toEqual([
      ['N1', -700_000],
      ['N2', 700_000],
    ]);
    expect((await listVersions(engine, 'imm', 2009)).map((v) => [v.version, v.paid_pence])).toEqual([
      [1, 2_100_000],
      [2, 2_800_000],
      [3, 2_100_000],
    ]);
    // The full calculation with its trace is kept with each version.
    const kept = await engine.all<{ result_json: string }>('SELECT result_json FROM incentive_calculation WHERE version = 2');
    const json = JSON.parse(kept[0]?.result_json ?? '{}') as { trace: { results: { org_code: string; definition_hash: string }[] } };
    expect(json.trace.results.map((r) => [r.org_code, r.definition_hash])).toEqual([
      ['N1', 'hash-mmr1-by-2'],
      ['N2', 'hash-mmr1-by-2'],
    ]);
  });

  it('re-measuring the same figures (new computed_at) is not a new version; a changed scheme is', async () => {
    engine = await storeWith({ N1: ['P1'] });
    await addResults(engine, [{ indicator: 'mmr1-by-2', org: 'N1', period: '2010-03-31', numerator: 96, denominator: 100 }]);
    await storeCalculation(engine, await calculateScheme(engine, scheme(TEXT), 2009, CATALOGUE));
    await engine.run("UPDATE indicator_result SET computed_at = TIMESTAMP '2025-06-01 09:00:00'");
    const same = await storeCalculation(engine, await calculateScheme(engine, scheme(TEXT), 2009, CATALOGUE));
    expect(same.version).toMatchObject({ version: 1, status: 'unchanged' });
    // The scheme's pot goes up: version 2, marked as a scheme change.
    const bigger = scheme(TEXT.replace('£14,000', '£15,000'));
    const v2 = await storeCalculation(engine, await calculateScheme(engine, bigger, 2009, CATALOGUE));
    expect(v2.version.version).toBe(2);
    expect(v2.changes).toMatchObject({ scheme_changed: true, total: { change: 100_000 } });
  });

  it('keeps versions of different years apart', async () => {
    engine = await storeWith({ N1: ['P1'] });
    const twoYears = scheme(TEXT.replace('years: 2009', 'years: { from: 2009, to: 2010 }'));
    expect((await storeCalculation(engine, await calculateScheme(engine, twoYears, 2009, CATALOGUE))).version.version).toBe(1);
    expect((await storeCalculation(engine, await calculateScheme(engine, twoYears, 2010, CATALOGUE))).version.version).toBe(1);
    expect(await listVersions(engine, 'imm', 2010)).toHaveLength(1);
  });
});
