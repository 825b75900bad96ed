import { randomUUID } from 'node:crypto';
import type { Orm } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { forEachChunk, table } from '../db-tables.js';
import type { InventoryServices } from '../inventory.services.js';
import { SYSTEM_ACTOR } from '../stock/stock-actor.js';
import { applyStockChange } from '../stock/stock-change.js';
import { StockMovementKind } from '../stock/stock-movement-kind.js';
import { inStockTransaction } from '../stock/stock-transaction.js';
import type { ClaimState, LoadOutcome, SaleState, TimeSaleClaimEngine } from './time-sale-claim.service.js';
import { TimeSale } from './time-sale.entity.js';

/** BUSY: another rebuild of the sale is under way (claims answer SALE_PAUSED until it is done). */
export type RebuildOutcome = 'LOADED' | 'PRESENT' | 'BUSY' | 'NOT_FOUND' | 'SETTLED';

/** The Redis state of a sale as PostgreSQL knows it: remaining = quantity - (held + consumed). */
export function saleStateOf(sale: TimeSale): SaleState {
  return {
    saleId: sale.id,
    variantId: sale.variantId,
    quantity: sale.quantity,
    remaining: sale.quantity - sale.claimed,
    perMemberLimit: sale.perMemberLimit,
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    price: sale.priceAmount,
    currency: sale.currency,
    status: sale.cancelledAt ? 'CANCELLED' : 'OPEN',
  };
}

/** A stored claim row (raw SQL) as the engine takes it. */
interface ClaimRow {
  id: string;
  sale_id: string;
  member_id: string;
  quantity: number;
  status: ClaimState['status'];
  idempotency_key: string;
  expires_at: Date | string;
  created_at: Date | string;
  order_key: string | null;
}

const claimStateOf = (row: ClaimRow): ClaimState => ({
  id: row.id,
  saleId: row.sale_id,
  memberId: row.member_id,
  quantity: row.quantity,
  status: row.status,
  idempotencyKey: row.idempotency_key,
  expiresAt: new Date(row.expires_at),
  createdAt: new Date(row.created_at),
  orderKey: row.order_key,
});

/** How long a rebuild may go without finishing a chunk before another replica may take it over. */
const REBUILD_LOCK_MS = 30_000;
/** Claims per round trip to Redis or PostgreSQL, in a rebuild and in a reconciliation. */
const CLAIM_CHUNK = 500;

/**
 * Writes everything a sale's event stream holds to PostgreSQL, asking `keepGoing` before each batch (the consumer's
 * drainAll); returns how many entries, or null when `keepGoing` stopped it.
 */
export type StreamWriter = (saleId: string, keepGoing: () => Promise<boolean>) => Promise<number | null>;

/**
 * Restores sales whose Redis state is gone (a restart without persistence, a flush, a failover that lost
 * writes, an eviction) from PostgreSQL. Claims answer SALE_PAUSED until then. What PostgreSQL has not heard of
 * yet is written out first when the sale's stream survived; stream entries lost with Redis are lost with it, and
 * the reconciliation report shows the gap.
 * Concurrent requests for one sale share one rebuild; racing replicas load once (the script checks).
 */
export class TimeSaleStateKeeper {
  private readonly inFlight = new Map<string, Promise<RebuildOutcome>>();

  constructor(
    private readonly orm: Orm,
    readonly engine: TimeSaleClaimEngine,
    private readonly writeStream: StreamWriter,
    private readonly log: (message: string) => void = console.error,
  ) {}

  rebuild(saleId: string): Promise<RebuildOutcome> {
    let running = this.inFlight.get(saleId);
    if (!running) {
      running = this.load(saleId).finally(() => this.inFlight.delete(saleId));
      this.inFlight.set(saleId, running);
    }
    return running;
  }

  /** Starts a rebuild without waiting for it (the claim path answers SALE_PAUSED meanwhile). */
  requestRebuild(saleId: string): void {
    this.rebuild(saleId).catch((error) => this.log(`time-sale ${saleId} rebuild failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /**
   * Writes the sale's claims chunk by chunk (a sale of a million claims is never in memory at once, and no script
   * call holds Redis for long), then its hash, under a lock that lets one rebuild run at a time. A rebuild that died
   * half-way leaves claims but no hash: the next one clears them and starts over once the lock has expired.
   */
  private async load(saleId: string): Promise<RebuildOutcome> {
    const em = this.orm.em.fork();
    const sale = await em.findOne(TimeSale, saleId);
    if (!sale) return 'NOT_FOUND';
    if (sale.settledAt) return 'SETTLED';
    if (await this.engine.readSale(saleId)) return 'PRESENT';
    const token = randomUUID();
    if (!(await this.engine.lockRebuild(saleId, token, REBUILD_LOCK_MS))) return 'BUSY';
    try {
      // Another replica's rebuild may have finished between the check above and the lock.
      if (await this.engine.readSale(saleId)) return 'PRESENT';
      // When the hash was lost and the stream was not (an eviction), the stream holds events PostgreSQL has not
      // applied yet. Without the hash no script appends to it, so once they are written out PostgreSQL holds every
      // claim, and its claimed count and its claims, read below, agree; rebuilt from fewer claims, the sale would
      // sell again the units of those it missed. Each batch first extends the lock, and the writing stops if the lock
      // was lost or the sale has its state again.
      let outcome = 'LOADED' as LoadOutcome;
      const stillRebuilding = async () => (outcome = await this.engine.extendRebuild(saleId, token, REBUILD_LOCK_MS)) === 'LOADED';
      if ((await this.writeStream(saleId, stillRebuilding)) === null) return outcome === 'LOCK_LOST' ? 'BUSY' : outcome;
      outcome = await this.engine.loadClaims(saleId, token, [], true, REBUILD_LOCK_MS);
      let claims = 0;
      if (outcome === 'LOADED') {
        await forEachChunk<ClaimRow>(
          em,
          `select "id", "sale_id", "member_id", "quantity", "status", "idempotency_key", "expires_at", "created_at", "order_key"
             from ${table(em, 'time_sale_claim')} where "sale_id" = ?`,
          [saleId],
          CLAIM_CHUNK,
          async (rows) => {
            outcome = await this.engine.loadClaims(saleId, token, rows.map(claimStateOf), false, REBUILD_LOCK_MS);
            claims += rows.length;
            return outcome === 'LOADED';
          },
        );
      }
      if (outcome !== 'LOADED') return outcome === 'LOCK_LOST' ? 'BUSY' : outcome;
      // The sale as it is now, not as it was before the claims: a cancellation meanwhile must not be lost.
      const current = await this.orm.em.fork().findOne(TimeSale, saleId);
      if (!current) return 'NOT_FOUND';
      const state = saleStateOf(current);
      outcome = await this.engine.finishRebuild(state, token);
      if (outcome === 'LOADED') this.log(`time-sale ${saleId}: state rebuilt from PostgreSQL (${state.remaining} remaining, ${claims} claims)`);
      return outcome === 'LOCK_LOST' ? 'BUSY' : outcome;
    } finally {
      // Written sales let it go in their last script; one that stopped early must not pause claims until it expires.
      await this.engine.unlockRebuild(saleId, token);
    }
  }
}

/**
 * Ends a sale whose window is over (or that was cancelled) once nothing is in flight: no claim held in
 * Redis or PostgreSQL and the stream written out. The units never sold go back to the variant's stock
 * with one RELEASE movement, and the Redis state is left to expire. Returns whether it settled.
 */
export async function settleTimeSale(
  deps: { em: EntityManager; services: InventoryServices; engine: TimeSaleClaimEngine; stateTtlMs: number },
  saleId: string,
): Promise<boolean> {
  const { engine } = deps;
  const state = await engine.readSale(saleId);
  if (!state) return false; // rebuild first
  if ((await engine.heldClaimCount(saleId)) > 0 || (await engine.backlog(saleId)) > 0) return false;
  const settled = await inStockTransaction(deps, async (tx, changes) => {
    const [sale] = await tx.execute<{ id: string; variant_id: string; quantity: number }[]>(
      `select "id", "variant_id", "quantity" from ${table(tx, 'time_sale')}
        where "id" = ? and "settled_at" is null and ("ends_at" <= clock_timestamp() or "cancelled_at" is not null) for update`,
      [saleId],
    );
    if (!sale) return false;
    const [counts] = await tx.execute<{ held: number; consumed: number }[]>(
      `select coalesce(sum(quantity) filter (where status = 'HELD'), 0)::int as held,
              coalesce(sum(quantity) filter (where status = 'CONSUMED'), 0)::int as consumed
         from ${table(tx, 'time_sale_claim')} where "sale_id" = ?`,
      [saleId],
    );
    if (counts!.held > 0) return false;
    const leftover = sale.quantity - counts!.consumed;
    if (leftover > 0) {
      const level = await applyStockChange(tx, changes, {
        variantId: sale.variant_id,
        onHandDelta: 0,
        reservedDelta: -leftover,
        kind: StockMovementKind.RELEASE,
        reason: `Time-sale ${saleId} ended; unsold units return`,
        actor: SYSTEM_ACTOR,
      });
      if (!level) throw new Error(`Time-sale ${saleId} returns units that are not reserved.`);
    }
    await tx.execute(`update ${table(tx, 'time_sale')} set "settled_at" = clock_timestamp() where "id" = ?`, [saleId]);
    return true;
  });
  if (settled) await engine.expireState(saleId, deps.stateTtlMs);
  return settled;
}

export interface ReconciliationReport {
  saleId: string;
  redisRemaining: number | null;
  postgresRemaining: number;
  backlog: number;
  /**
   * What the sale looked like when every claim was found to agree (its last event id, Redis's claim count and
   * PostgreSQL's claims by status), or null when the claims were not compared or disagreed.
   */
  claimsVerified: string | null;
  /** Whether this report compared every claim (those that disagree are in `drift`). */
  claimsCompared: boolean;
  drift: string[];
}

/** Disagreeing claims listed in a report at most; the rest are counted. */
const MAX_LISTED = 100;

/**
 * Compares a sale's Redis state with PostgreSQL. While stream entries wait (backlog > 0) PostgreSQL is behind by
 * design, so only a missing state is reported; at backlog 0 the remaining count and every claim's status must agree.
 *
 * Every comparison counts only if the sale stood still while it was read: its stream's last event id, read first,
 * has not moved by the end (every claim, release, expiry and checkout appends an event), else it is left for the
 * next run. The claims are compared a chunk at a time, never all in memory at once, so a sale of a million claims is
 * read in pieces between which the process serves its requests (loading them all at once held a subgraph's event
 * loop for seconds), and the comparison stops at the first chunk after the sale moved. `claimsVerified`, from an
 * earlier report, skips the claims when nothing about them has changed since they agreed.
 */
export async function reconcileTimeSale(
  deps: { em: EntityManager; engine: TimeSaleClaimEngine },
  saleId: string,
  options: { claimsVerified?: string | null } = {},
): Promise<ReconciliationReport | null> {
  const { engine } = deps;
  const em = deps.em.fork();
  const sale = await em.findOne(TimeSale, saleId);
  if (!sale) return null;
  const eventId = await engine.lastEventId(saleId);
  const backlog = await engine.backlog(saleId);
  const state = await engine.readSale(saleId);
  const stored = await storedCounts(em, saleId);
  const report: ReconciliationReport = {
    saleId,
    redisRemaining: state?.remaining ?? null,
    postgresRemaining: stored.quantity - stored.claimed,
    backlog,
    claimsVerified: null,
    claimsCompared: false,
    drift: [],
  };
  if (!state) {
    if (!sale.settledAt) report.drift.push('Redis holds no state for this unsettled sale.');
    return report;
  }
  if (backlog > 0) return report;
  if (eventId === null) {
    // A settled sale's keys expire one by one; an open sale always has its stream.
    if (!sale.settledAt) report.drift.push("Redis holds the sale's state but not its event stream.");
    return report;
  }
  const stillStanding = async () => (await engine.lastEventId(saleId)) === eventId;
  if (!(await stillStanding())) return report;
  if (state.remaining !== report.postgresRemaining) {
    report.drift.push(`remaining: Redis ${state.remaining}, PostgreSQL ${report.postgresRemaining}`);
  }
  const redisCount = await engine.claimCount(saleId);
  const fingerprint = `${eventId} ${redisCount} ${JSON.stringify(stored.byStatus)}`;
  if (fingerprint === options.claimsVerified) {
    report.claimsVerified = fingerprint;
    report.claimsCompared = true;
    return report;
  }
  const claimDrift = await compareClaims(em, engine, saleId, { redis: redisCount, stored: stored.claims }, stillStanding);
  if (!claimDrift) return report; // the sale moved: compared again next run
  report.drift.push(...claimDrift);
  report.claimsCompared = true;
  if (claimDrift.length === 0) report.claimsVerified = fingerprint;
  return report;
}

/** The sale's units and claimed count, and its stored claims by status, as PostgreSQL holds them now. */
async function storedCounts(em: EntityManager, saleId: string) {
  const [row] = await em.execute<{ quantity: number; claimed: number; by_status: Record<string, number> }[]>(
    `select s."quantity", s."claimed",
            (select coalesce(jsonb_object_agg(c."status", c."n"), '{}'::jsonb)
               from (select "status", count(*)::int as "n" from ${table(em, 'time_sale_claim')} where "sale_id" = s."id" group by "status") c) as "by_status"
       from ${table(em, 'time_sale')} s where s."id" = ?`,
    [saleId],
  );
  const byStatus = row!.by_status;
  return { quantity: row!.quantity, claimed: row!.claimed, byStatus, claims: Object.values(byStatus).reduce((sum, n) => sum + n, 0) };
}

/**
 * Every claim of the sale on both sides, chunk by chunk: the disagreements (MAX_LISTED of them, then a count), or
 * null as soon as `stillStanding` says the sale moved. `counts` are each side's claims, read while it stood still.
 */
async function compareClaims(
  em: EntityManager,
  engine: TimeSaleClaimEngine,
  saleId: string,
  counts: { redis: number; stored: number },
  stillStanding: () => Promise<boolean>,
): Promise<string[] | null> {
  const drift: string[] = [];
  // Ids, not lines: HSCAN may return a claim twice while Redis rehashes the hash.
  const disagreeing = new Set<string>();
  const note = (claimId: string, line: string) => {
    if (disagreeing.has(claimId)) return;
    disagreeing.add(claimId);
    if (drift.length < MAX_LISTED) drift.push(line);
  };
  // Redis → PostgreSQL: each claim Redis holds is stored, with the same status.
  let notStored = 0;
  for await (const claims of engine.scanClaims(saleId, CLAIM_CHUNK)) {
    const stored = await storedStatuses(em, saleId, claims.map((claim) => claim.id));
    for (const claim of claims) {
      const status = stored.get(claim.id);
      if (status === undefined) {
        if (!disagreeing.has(claim.id)) notStored++;
        note(claim.id, `claim ${claim.id}: in Redis (${claim.status}), not in PostgreSQL`);
      } else if (status !== claim.status) note(claim.id, `claim ${claim.id}: Redis ${claim.status}, PostgreSQL ${status}`);
    }
    if (!(await stillStanding())) return null;
  }
  // PostgreSQL → Redis: only when PostgreSQL holds more claims than the ones Redis has stored there, read them all
  // (a cursor, so no index or sort is needed) and find the ones Redis lacks.
  if (counts.stored > counts.redis - notStored) {
    const complete = await forEachChunk<{ id: string; status: string }>(
      em,
      `select "id", "status" from ${table(em, 'time_sale_claim')} where "sale_id" = ?`,
      [saleId],
      CLAIM_CHUNK,
      async (rows) => {
        const inRedis = await engine.readClaimsById(saleId, rows.map((row) => row.id));
        rows.forEach((row, i) => inRedis[i] === null && note(row.id, `claim ${row.id}: in PostgreSQL (${row.status}), not in Redis`));
        return stillStanding();
      },
    );
    if (!complete) return null;
  }
  if (disagreeing.size > drift.length) drift.push(`…and ${disagreeing.size - drift.length} more claims that disagree`);
  return drift;
}

/** The stored status of each of these claims of the sale that PostgreSQL holds. */
async function storedStatuses(em: EntityManager, saleId: string, claimIds: string[]): Promise<Map<string, string>> {
  const rows = await em.execute<{ id: string; status: string }[]>(
    `select "id", "status" from ${table(em, 'time_sale_claim')}
      where "sale_id" = ? and "id" in (select jsonb_array_elements_text(?::jsonb))`,
    [saleId, JSON.stringify(claimIds)],
  );
  return new Map(rows.map((row) => [row.id, row.status]));
}
