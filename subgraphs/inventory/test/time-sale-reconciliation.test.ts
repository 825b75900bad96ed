import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimeSaleClaimEngine } from '../src/time-sale/time-sale-claim.service.js';
import { TimeSaleClaimRecord } from '../src/time-sale/time-sale-claim.entity.js';
import { TimeSaleStreamConsumer } from '../src/time-sale/time-sale.consumer.js';
import { saleKeys } from '../src/time-sale/time-sale.keys.js';
import { reconcileTimeSale } from '../src/time-sale/time-sale.state.js';
import { openTimeSale, type RunningInventory, startInventory } from './support/inventory-harness.js';

let inventory: RunningInventory;

beforeAll(async () => {
  // The app's own stream consumer and reconciliation stay idle (hour-long periods): the tests drive them. Forty
  // members make the claims, so the per-member attempt limit is off.
  inventory = await startInventory('time-sale-reconcile', {
    TIME_SALE_STREAM_POLL_MS: 3_600_000,
    TIME_SALE_RECONCILE_MS: 3_600_000,
    TIME_SALE_CLAIM_RATE_LIMIT: 0,
  });
});
afterAll(() => inventory?.close());

const engine = () => inventory.services.timeSales.engine;
const em = () => inventory.app.orm.em.fork();
const reconcile = (saleId: string, claimsVerifiedAt?: string | null, claimEngine: TimeSaleClaimEngine = engine()) =>
  reconcileTimeSale({ em: em(), engine: claimEngine }, saleId, { claimsVerifiedAt }).then((report) => report!);

async function catchUp(saleId: string) {
  await new TimeSaleStreamConsumer({ engine: engine(), em, services: inventory.services, name: `test-${randomUUID().slice(0, 6)}`, pendingIdleMs: 0 }).drain(saleId);
}

/** A sale with `count` claims of one unit by 40 members, written to PostgreSQL; returns the claim ids. */
async function saleWithClaims(count: number) {
  const { saleId } = await openTimeSale(inventory.url, { quantity: count + 10, perMemberLimit: count });
  const members = Array.from({ length: 40 }, () => randomUUID());
  const ids: string[] = [];
  for (let from = 0; from < count; from += 200) {
    const outcomes = await Promise.all(
      Array.from({ length: Math.min(200, count - from) }, (_, i) =>
        engine().claim({ saleId, memberId: members[(from + i) % members.length]!, quantity: 1, idempotencyKey: randomUUID() }),
      ),
    );
    for (const outcome of outcomes) {
      if (outcome.kind !== 'CLAIMED') throw new Error(`claim: ${outcome.kind}`);
      ids.push(outcome.claimId);
    }
  }
  await catchUp(saleId);
  return { saleId, ids };
}

describe('reconciliation of a large sale', () => {
  it('compares every claim of a sale bigger than a chunk and names each kind of disagreement', async () => {
    const { saleId, ids } = await saleWithClaims(1_300);
    const clean = await reconcile(saleId);
    expect(clean).toMatchObject({ redisRemaining: 10, postgresRemaining: 10, backlog: 0, claimsCompared: true, drift: [] });
    expect(clean.claimsVerifiedAt).toBe(await engine().lastEventId(saleId));

    const [changed, unstored, lostInRedis] = [ids[10]!, ids[700]!, ids[1_250]!];
    await em().nativeUpdate(TimeSaleClaimRecord, { id: changed }, { status: 'EXPIRED' });
    await em().nativeDelete(TimeSaleClaimRecord, { id: unstored });
    await engine().redis.hdel(saleKeys(saleId)[3]!, lostInRedis);
    const report = await reconcile(saleId);
    expect(report.claimsCompared).toBe(true);
    expect(report.claimsVerifiedAt).toBeNull();
    expect(report.drift.sort()).toEqual(
      [
        `claim ${changed}: Redis HELD, PostgreSQL EXPIRED`,
        `claim ${unstored}: in Redis (HELD), not in PostgreSQL`,
        `claim ${lostInRedis}: in PostgreSQL (HELD), not in Redis`,
      ].sort(),
    );
  });

  it('lists the first 100 disagreeing claims and counts the rest', async () => {
    const { saleId } = await saleWithClaims(250);
    await em().nativeUpdate(TimeSaleClaimRecord, { saleId }, { status: 'RELEASED' });
    const { drift } = await reconcile(saleId);
    expect(drift).toHaveLength(101);
    expect(drift.slice(0, 100).every((line) => line.endsWith('Redis HELD, PostgreSQL RELEASED'))).toBe(true);
    expect(drift[100]).toBe('…and 150 more claims that disagree');
  });

  it('skips the claims of a sale with no event since they agreed, and compares them again after one', async () => {
    const { saleId, ids } = await saleWithClaims(300);
    const { claimsVerifiedAt } = await reconcile(saleId);
    expect(claimsVerifiedAt).not.toBeNull();
    await em().nativeUpdate(TimeSaleClaimRecord, { id: ids[0]! }, { status: 'EXPIRED' });

    // Nothing happened to the sale in Redis: the worker's next run does not read its claims again.
    expect(await reconcile(saleId, claimsVerifiedAt)).toMatchObject({ claimsCompared: true, claimsVerifiedAt, drift: [] });
    // A release is an event: the claims are compared again and the disagreement shows.
    expect(await engine().release(ids[1]!)).toBe('RELEASED');
    await catchUp(saleId);
    const after = await reconcile(saleId, claimsVerifiedAt);
    expect(after.drift).toEqual([`claim ${ids[0]}: Redis HELD, PostgreSQL EXPIRED`]);
    expect(after.claimsVerifiedAt).toBeNull();
  });

  it('judges no claim that moved while the chunks were read', async () => {
    const { saleId, ids } = await saleWithClaims(1_200);
    // After the first chunk, checkout gives every claim back and the consumer writes it all out, so the later chunks
    // read Redis's RELEASED against PostgreSQL's HELD, and the backlog is 0 again by the end.
    const real = engine();
    const racing = Object.create(real, {
      scanClaims: {
        value: async function* (id: string, chunkSize: number) {
          let first = true;
          for await (const chunk of real.scanClaims(id, chunkSize)) {
            yield chunk;
            if (first) {
              first = false;
              await Promise.all(ids.map((claimId) => real.release(claimId)));
            }
          }
          await catchUp(saleId);
        },
      },
    }) as TimeSaleClaimEngine;
    const raced = await reconcile(saleId, null, racing);
    expect(raced).toMatchObject({ backlog: 0, claimsCompared: false, claimsVerifiedAt: null, drift: [] });

    // Compared again once the sale stands still, both sides agree.
    expect(await reconcile(saleId)).toMatchObject({ redisRemaining: 1_210, postgresRemaining: 1_210, claimsCompared: true, drift: [] });
  });

  it('settles nothing while a claim is held, and tells held from closed claims without reading them', async () => {
    const { saleId, ids } = await saleWithClaims(3);
    expect(await engine().heldClaimCount(saleId)).toBe(3);
    await engine().release(ids[0]!);
    expect(await engine().heldClaimCount(saleId)).toBe(2);
    expect(await engine().claimCount(saleId)).toBe(3);
  });
});
