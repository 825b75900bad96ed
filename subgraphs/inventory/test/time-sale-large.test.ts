import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimeSaleClaimEngine } from '../src/time-sale/time-sale-claim.service.js';
import { TimeSaleClaimRecord } from '../src/time-sale/time-sale-claim.entity.js';
import { TimeSaleStreamConsumer } from '../src/time-sale/time-sale.consumer.js';
import { rebuildLockKey, saleKeys, STREAM_GROUP } from '../src/time-sale/time-sale.keys.js';
import { reconcileTimeSale, TimeSaleStateKeeper } from '../src/time-sale/time-sale.state.js';
import { TimeSale } from '../src/time-sale/time-sale.entity.js';
import { openTimeSale, type RunningInventory, startInventory } from './support/inventory-harness.js';

let inventory: RunningInventory;

beforeAll(async () => {
  // The app's own stream consumer, sweep (which would rebuild lost states) and reconciliation stay idle (hour-long
  // periods): the tests drive them. Forty members make the claims, so the per-member attempt limit is off.
  inventory = await startInventory('time-sale-large', {
    TIME_SALE_STREAM_POLL_MS: 3_600_000,
    TIME_SALE_SWEEP_MS: 3_600_000,
    TIME_SALE_RECONCILE_MS: 3_600_000,
    TIME_SALE_CLAIM_RATE_LIMIT: 0,
  });
});
afterAll(() => inventory?.close());

const engine = () => inventory.services.timeSales.engine;
const em = () => inventory.app.orm.em.fork();
const reconcile = (saleId: string, claimsVerified?: string | null, claimEngine: TimeSaleClaimEngine = engine()) =>
  reconcileTimeSale({ em: em(), engine: claimEngine }, saleId, { claimsVerified }).then((report) => report!);

/** The engine, counting the claim scans it starts. */
function countingScans() {
  const real = engine();
  const counter = { scans: 0, engine: real };
  counter.engine = Object.create(real, {
    scanClaims: {
      value: (id: string, chunkSize: number) => {
        counter.scans++;
        return real.scanClaims(id, chunkSize);
      },
    },
  }) as TimeSaleClaimEngine;
  return counter;
}

const consumer = (name: string, pendingIdleMs = 0, batchSize?: number) =>
  new TimeSaleStreamConsumer({ engine: engine(), em, services: inventory.services, name, pendingIdleMs, ...(batchSize ? { batchSize } : {}) });

async function catchUp(saleId: string) {
  await consumer(`test-${randomUUID().slice(0, 6)}`).drain(saleId);
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
    expect(clean.claimsVerified).toContain(await engine().lastEventId(saleId));

    const [changed, unstored, lostInRedis] = [ids[10]!, ids[700]!, ids[1_250]!];
    await em().nativeUpdate(TimeSaleClaimRecord, { id: changed }, { status: 'EXPIRED' });
    await em().nativeDelete(TimeSaleClaimRecord, { id: unstored });
    await engine().redis.hdel(saleKeys(saleId)[3]!, lostInRedis);
    const report = await reconcile(saleId);
    expect(report.claimsCompared).toBe(true);
    expect(report.claimsVerified).toBeNull();
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

  it('compares the claims again only when the sale, its Redis claims or its stored claims changed since they agreed', async () => {
    const { saleId, ids } = await saleWithClaims(300);
    const { claimsVerified } = await reconcile(saleId);
    expect(claimsVerified).not.toBeNull();

    // Nothing changed: the worker's next run does not read the claims again.
    const unchanged = countingScans();
    expect(await reconcile(saleId, claimsVerified, unchanged.engine)).toMatchObject({ claimsCompared: true, claimsVerified, drift: [] });
    expect(unchanged.scans).toBe(0);

    // A stored claim changes status without any event in Redis (a lost or edited row): the counts by status differ.
    await em().nativeUpdate(TimeSaleClaimRecord, { id: ids[0]! }, { status: 'EXPIRED' });
    const edited = countingScans();
    expect((await reconcile(saleId, claimsVerified, edited.engine)).drift).toEqual([`claim ${ids[0]}: Redis HELD, PostgreSQL EXPIRED`]);
    expect(edited.scans).toBe(1);
    await em().nativeUpdate(TimeSaleClaimRecord, { id: ids[0]! }, { status: 'HELD' });
    expect((await reconcile(saleId, claimsVerified)).claimsVerified).toBe(claimsVerified);

    // A claim vanishes from Redis without an event (an evicted field): Redis's claim count differs.
    await engine().redis.hdel(saleKeys(saleId)[3]!, ids[1]!);
    expect((await reconcile(saleId, claimsVerified)).drift).toEqual([`claim ${ids[1]}: in PostgreSQL (HELD), not in Redis`]);
  });

  it("reports an open sale whose event stream is gone", async () => {
    const { saleId } = await saleWithClaims(2);
    await engine().redis.del(saleKeys(saleId)[5]!);
    expect(await reconcile(saleId)).toMatchObject({ claimsCompared: false, drift: ["Redis holds the sale's state but not its event stream."] });
  });

  it('judges no claim that moved while the chunks were read, and stops reading at the first chunk after', async () => {
    const { saleId, ids } = await saleWithClaims(1_200);
    // After the first chunk is judged, checkout gives every claim back and the consumer writes it all out: the later chunks
    // would read Redis's RELEASED against PostgreSQL's HELD, with the backlog at 0 again.
    const real = engine();
    let chunksRead = 0;
    const racing = Object.create(real, {
      scanClaims: {
        value: async function* (id: string, chunkSize: number) {
          for await (const chunk of real.scanClaims(id, chunkSize)) {
            chunksRead++;
            yield chunk;
            if (chunksRead === 1) {
              await Promise.all(ids.map((claimId) => real.release(claimId)));
              await catchUp(saleId);
            }
          }
        },
      },
    }) as TimeSaleClaimEngine;
    expect(await reconcile(saleId, null, racing)).toMatchObject({ claimsCompared: false, claimsVerified: null, drift: [] });
    // The releases ran when the second chunk was asked for; that chunk was the last one read, of more.
    expect(chunksRead).toBe(2);
    let chunks = 0;
    for await (const _ of real.scanClaims(saleId, 500)) chunks++;
    expect(chunks).toBeGreaterThan(2);

    // Compared again once the sale stands still, both sides agree.
    expect(await reconcile(saleId)).toMatchObject({ redisRemaining: 1_210, postgresRemaining: 1_210, claimsCompared: true, drift: [] });
  });

  it('counts held claims from the expiry index: a release and a checkout take theirs out', async () => {
    const { saleId, ids } = await saleWithClaims(3);
    expect(await engine().heldClaimCount(saleId)).toBe(3);
    expect(await engine().release(ids[0]!)).toBe('RELEASED');
    expect((await engine().consume(ids[1]!, `order-${randomUUID()}`)).outcome).toBe('CONSUMED');
    expect(await engine().heldClaimCount(saleId)).toBe(1);
    expect(await engine().claimCount(saleId)).toBe(3);
  });
});

describe('rebuilding a large sale from PostgreSQL', () => {
  const keeper = (claimEngine: TimeSaleClaimEngine = engine()) =>
    new TimeSaleStateKeeper(inventory.app.orm, claimEngine, (saleId, keepGoing) => consumer(`rebuild-${randomUUID().slice(0, 6)}`, 60_000).drainAll(saleId, keepGoing), () => {});
  /** What Redis lost: every key of the sale but its stream. */
  const loseState = (saleId: string) => engine().redis.del(...saleKeys(saleId).slice(0, 5));

  it('writes a sale of 1,300 claims back chunk by chunk, with its counts, members and idempotency keys', async () => {
    const { saleId, ids } = await saleWithClaims(1_300);
    expect(await engine().release(ids[0]!)).toBe('RELEASED');
    expect((await engine().consume(ids[1]!, `order-${randomUUID()}`)).outcome).toBe('CONSUMED');
    await catchUp(saleId);
    const members = await engine().memberTotals(saleId);
    const replayOf = (await engine().readClaimsById(saleId, [ids[2]!]))[0]!;

    await loseState(saleId);
    expect(await engine().readSale(saleId)).toBeNull();
    expect(await keeper().rebuild(saleId)).toBe('LOADED');
    expect(await engine().readSale(saleId)).toMatchObject({ remaining: 11, quantity: 1_310, status: 'OPEN' });
    expect(await engine().claimCount(saleId)).toBe(1_300);
    expect(await engine().heldClaimCount(saleId)).toBe(1_298);
    expect(await engine().memberTotals(saleId)).toEqual(members);
    const replay = await engine().claim({ saleId, memberId: replayOf.memberId, quantity: 1, idempotencyKey: replayOf.idempotencyKey });
    expect(replay).toMatchObject({ kind: 'CLAIMED', claimId: ids[2], replayed: true });
    expect(await reconcile(saleId)).toMatchObject({ claimsCompared: true, drift: [] });
  });

  it('writes out a stream that outlived the hash before it reads the claims back: claimed units are not sold twice', async () => {
    const { saleId } = await saleWithClaims(600);
    const claimOne = () => engine().claim({ saleId, memberId: randomUUID(), quantity: 1, idempotencyKey: randomUUID() });
    // Eight claims PostgreSQL has not heard of: a consumer read three and died before acknowledging, five wait unread.
    const late = await Promise.all(Array.from({ length: 8 }, claimOne));
    const stream = saleKeys(saleId)[5]!;
    await engine().redis.xreadgroup('GROUP', STREAM_GROUP, 'died', 'COUNT', 3, 'STREAMS', stream, '>');
    const members = await engine().memberTotals(saleId);
    await loseState(saleId);

    expect(await keeper().rebuild(saleId)).toBe('LOADED');
    expect(await engine().readSale(saleId)).toMatchObject({ remaining: 2, quantity: 610 });
    expect(await engine().claimCount(saleId)).toBe(608);
    expect(await engine().memberTotals(saleId)).toEqual(members);
    expect(await engine().backlog(saleId)).toBe(0);
    expect(((await engine().redis.xpending(stream, STREAM_GROUP)) as [number])[0]).toBe(0);
    const first = late[0]!;
    if (first.kind !== 'CLAIMED') throw new Error(`claim: ${first.kind}`);
    const [stored] = await engine().readClaimsById(saleId, [first.claimId]);
    expect(await engine().claim({ saleId, memberId: stored!.memberId, quantity: 1, idempotencyKey: stored!.idempotencyKey })).toMatchObject({
      kind: 'CLAIMED',
      claimId: first.claimId,
      replayed: true,
    });
    // Two units are left, and only two.
    expect((await Promise.all([claimOne(), claimOne(), claimOne()])).map((outcome) => outcome.kind).sort()).toEqual(['CLAIMED', 'CLAIMED', 'SOLD_OUT']);
    await catchUp(saleId);
    expect(await reconcile(saleId)).toMatchObject({ redisRemaining: 0, postgresRemaining: 0, claimsCompared: true, drift: [] });
  });

  it('stops writing out the stream when its lock is lost, and leaves the rest to the holder', async () => {
    const { saleId } = await saleWithClaims(20);
    await Promise.all(Array.from({ length: 10 }, () => engine().claim({ saleId, memberId: randomUUID(), quantity: 1, idempotencyKey: randomUUID() })));
    await loseState(saleId);
    const real = engine();
    let asked = 0;
    // After the first batch another replica holds the lock (this rebuild's expired).
    const losing = Object.create(real, {
      loadClaims: {
        value: async (...args: Parameters<TimeSaleClaimEngine['loadClaims']>) => {
          if (asked++ === 1) await real.redis.set(rebuildLockKey(saleId), 'other');
          return real.loadClaims(...args);
        },
      },
    }) as TimeSaleClaimEngine;
    const writer = consumer(`rebuild-${randomUUID().slice(0, 6)}`, 60_000, 2);
    const rebuild = new TimeSaleStateKeeper(inventory.app.orm, losing, (id, keepGoing) => writer.drainAll(id, keepGoing), () => {});
    expect(await rebuild.rebuild(saleId)).toBe('BUSY');
    expect(await engine().backlog(saleId)).toBe(8);
    expect(await engine().readSale(saleId)).toBeNull();
    expect(await engine().redis.get(rebuildLockKey(saleId))).toBe('other');
  });

  it('writes out a stream that lost its consumer group: a script appended to it after the stream alone was lost', async () => {
    const { saleId } = await saleWithClaims(20);
    await engine().redis.del(saleKeys(saleId)[5]!);
    await Promise.all(Array.from({ length: 3 }, () => engine().claim({ saleId, memberId: randomUUID(), quantity: 1, idempotencyKey: randomUUID() })));
    expect(await engine().backlog(saleId)).toBe(3);
    await catchUp(saleId);
    expect(await engine().backlog(saleId)).toBe(0);
    expect(await reconcile(saleId)).toMatchObject({ redisRemaining: 7, postgresRemaining: 7, claimsCompared: true, drift: [] });
  });

  it('runs one rebuild at a time, and clears and redoes one that died half-way', async () => {
    const { saleId, ids } = await saleWithClaims(600);
    const members = await engine().memberTotals(saleId);
    await loseState(saleId);
    // A rebuild took the lock and wrote a chunk, then died: the chunk's units are in the member totals already.
    expect(await engine().lockRebuild(saleId, 'dead', 300)).toBe(true);
    const some = (await em().find(TimeSaleClaimRecord, { id: { $in: ids.slice(0, 100) } })).map((record) => ({ ...record, saleId }));
    expect(await engine().loadClaims(saleId, 'dead', some, true, 300)).toBe('LOADED');

    expect(await keeper().rebuild(saleId)).toBe('BUSY');
    expect(await engine().readSale(saleId)).toBeNull();
    // Claims answer SALE_PAUSED meanwhile, even a replay of a claim the dead rebuild wrote.
    const written = some[0]!;
    expect(await engine().claim({ saleId, memberId: written.memberId, quantity: 1, idempotencyKey: written.idempotencyKey })).toEqual({ kind: 'SALE_PAUSED' });
    await sleep(400); // the dead rebuild's lock expires
    expect(await keeper().rebuild(saleId)).toBe('LOADED');
    expect(await engine().memberTotals(saleId)).toEqual(members);
    expect(await engine().claimCount(saleId)).toBe(600);
    expect(await engine().redis.get(rebuildLockKey(saleId))).toBeNull();

    // A rebuild that is not the lock's holder writes nothing, whether the sale has its state again or not.
    expect(await engine().loadClaims(saleId, 'dead', some, false, 300)).toBe('PRESENT');
    await loseState(saleId);
    expect(await engine().lockRebuild(saleId, 'live', 5_000)).toBe(true);
    expect(await engine().loadClaims(saleId, 'dead', some, true, 300)).toBe('LOCK_LOST');
    expect(await engine().claimCount(saleId)).toBe(0);
    // A rebuild that finds the lock taken stops without touching it; the holder's own early stop lets it go.
    expect(await keeper().rebuild(saleId)).toBe('BUSY');
    expect(await engine().redis.get(rebuildLockKey(saleId))).toBe('live');
    await engine().unlockRebuild(saleId, 'live');
    expect(await keeper().rebuild(saleId)).toBe('LOADED');
  });

  it('writes the sale as it is when the claims are in: a cancellation during the rebuild is kept', async () => {
    const { saleId } = await saleWithClaims(700);
    await loseState(saleId);
    const real = engine();
    let cancelled = false;
    const cancelling = Object.create(real, {
      loadClaims: {
        value: async (...args: Parameters<TimeSaleClaimEngine['loadClaims']>) => {
          const outcome = await real.loadClaims(...args);
          if (!cancelled && args[2].length > 0) {
            cancelled = true;
            await em().nativeUpdate(TimeSale, { id: saleId }, { cancelledAt: new Date() });
          }
          return outcome;
        },
      },
    }) as TimeSaleClaimEngine;
    expect(await keeper(cancelling).rebuild(saleId)).toBe('LOADED');
    expect(cancelled).toBe(true);
    expect((await engine().readSale(saleId))!.status).toBe('CANCELLED');
  });
});
