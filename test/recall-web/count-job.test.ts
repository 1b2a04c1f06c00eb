/**
 * A network's recall counts are one shared job per network and month: requests that arrive while
 * it runs join it (the page shows its progress), and a finished count is reused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecallService } from '../../src/server/recall/service.js';
import { makeFixture, type Fixture } from '../security/fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture(1000);
}, 120_000);
afterAll(async () => {
  await f?.close();
});

describe('network count jobs', () => {
  it('are started once, report progress, and give the same rows as counting directly', async () => {
    const svc = new RecallService(f.engine, f.data);
    const R = svc.periodEnd(undefined);
    const job = svc.countJob(f.codes.network, R);
    expect(svc.countJob(f.codes.network, R)).toBe(job); // joined, not started again
    expect(job.rows).toBeNull();
    expect(job.total).toBe(svc.programmes().length);
    const rows = await job.result;
    expect(job.started).toBe(job.total);
    expect(job.rows).toBe(rows);
    expect(svc.countJob(f.codes.network, R)).toBe(job); // finished: reused
    expect(svc.countJob(f.codes.otherNetwork, R)).not.toBe(job);
    const direct = await new RecallService(f.engine, f.data).counts([f.codes.network], R);
    expect(rows).toEqual(direct);
    expect(new Set(rows.map((r) => r.network))).toEqual(new Set([f.codes.network]));
  });

  it('idle() resolves only when every running count has finished, so a closing server can wait for it', async () => {
    const svc = new RecallService(f.engine, f.data);
    const R = svc.periodEnd(undefined);
    const a = svc.countJob(f.codes.network, R);
    const b = svc.countJob(f.codes.otherNetwork, R);
    expect(a.rows).toBeNull();
    await svc.idle();
    expect(a.rows).not.toBeNull();
    expect(b.rows).not.toBeNull();
  });
});
