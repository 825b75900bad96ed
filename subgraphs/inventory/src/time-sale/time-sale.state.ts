import type { Orm } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../db-tables.js';
import type { InventoryServices } from '../inventory.services.js';
import { SYSTEM_ACTOR } from '../stock/stock-actor.js';
import { applyStockChange } from '../stock/stock-change.js';
import { StockMovementKind } from '../stock/stock-movement-kind.js';
import { inStockTransaction } from '../stock/stock-transaction.js';
import type { ClaimState, SaleState, TimeSaleClaimEngine } from './time-sale-claim.service.js';
import { TimeSaleClaimRecord } from './time-sale-claim.entity.js';
import { TimeSale } from './time-sale.entity.js';

export type RebuildOutcome = 'LOADED' | 'PRESENT' | 'NOT_FOUND' | 'SETTLED';

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

const claimStateOf = (record: TimeSaleClaimRecord): ClaimState => ({
  id: record.id,
  saleId: record.saleId,
  memberId: record.memberId,
  quantity: record.quantity,
  status: record.status,
  idempotencyKey: record.idempotencyKey,
  expiresAt: record.expiresAt,
  createdAt: record.createdAt,
  orderKey: record.orderKey,
});

/**
 * Restores sales whose Redis state is gone (a restart without persistence, a flush, a failover that lost
 * writes) from PostgreSQL. Claims answer SALE_PAUSED until then. What PostgreSQL has not heard of yet
 * (stream entries lost with Redis) is lost with it; the reconciliation report shows the gap.
 * Concurrent requests for one sale share one rebuild; racing replicas load once (the script checks).
 */
export class TimeSaleStateKeeper {
  private readonly inFlight = new Map<string, Promise<RebuildOutcome>>();

  constructor(
    private readonly orm: Orm,
    readonly engine: TimeSaleClaimEngine,
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

  private async load(saleId: string): Promise<RebuildOutcome> {
    const em = this.orm.em.fork();
    const sale = await em.findOne(TimeSale, saleId);
    if (!sale) return 'NOT_FOUND';
    if (sale.settledAt) return 'SETTLED';
    const claims = await em.find(TimeSaleClaimRecord, { saleId });
    const loaded = await this.engine.load(saleStateOf(sale), claims.map(claimStateOf));
    if (loaded) this.log(`time-sale ${saleId}: state rebuilt from PostgreSQL (${sale.quantity - sale.claimed} remaining, ${claims.length} claims)`);
    return loaded ? 'LOADED' : 'PRESENT';
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
   * The stream position (the sale's last event id) at which every claim was found to agree, or null when the claims
   * were not compared: entries waited, or a claim changed while they were being read.
   */
  claimsVerifiedAt: string | null;
  /** Whether this report compared every claim (those that disagree are in `drift`). */
  claimsCompared: boolean;
  drift: string[];
}

/** Claims compared per round trip to Redis and to PostgreSQL. */
const CLAIM_CHUNK = 500;
/** Disagreeing claims listed in a report at most; the rest are counted. */
const MAX_LISTED = 100;

/**
 * Compares a sale's Redis state with PostgreSQL. While stream entries wait (backlog > 0) PostgreSQL is
 * behind by design, so only a missing state is reported; at backlog 0 the remaining count and every
 * claim's status must agree.
 *
 * The claims are compared a chunk at a time, never all in memory at once: a sale of a million claims is read in
 * pieces between which the process serves its requests (loading them all at once held a subgraph's event loop for
 * seconds). The comparison only counts if nothing happened to the sale meanwhile (its last event id did not move);
 * otherwise it is left for the next run. `claimsVerifiedAt`, from an earlier report, skips the claims when the
 * sale has had no event since they agreed.
 */
export async function reconcileTimeSale(
  deps: { em: EntityManager; engine: TimeSaleClaimEngine },
  saleId: string,
  options: { claimsVerifiedAt?: string | null } = {},
): Promise<ReconciliationReport | null> {
  const { engine } = deps;
  const em = deps.em.fork();
  const sale = await em.findOne(TimeSale, saleId);
  if (!sale) return null;
  const state = await engine.readSale(saleId);
  const backlog = state ? await engine.backlog(saleId) : 0;
  const report: ReconciliationReport = {
    saleId,
    redisRemaining: state?.remaining ?? null,
    postgresRemaining: sale.quantity - sale.claimed,
    backlog,
    claimsVerifiedAt: null,
    claimsCompared: false,
    drift: [],
  };
  if (!state) {
    if (!sale.settledAt) report.drift.push('Redis holds no state for this unsettled sale.');
    return report;
  }
  if (backlog > 0) return report;
  if (state.remaining !== report.postgresRemaining) {
    report.drift.push(`remaining: Redis ${state.remaining}, PostgreSQL ${report.postgresRemaining}`);
  }
  const eventId = await engine.lastEventId(saleId);
  if (eventId !== null && eventId === options.claimsVerifiedAt) {
    report.claimsVerifiedAt = eventId;
    report.claimsCompared = true;
    return report;
  }
  const claimDrift = await compareClaims(em, engine, saleId);
  // A claim made or moved while the chunks were read can look missing or different on one side: judge only a
  // comparison that saw the sale stand still.
  if (eventId === null || (await engine.lastEventId(saleId)) !== eventId || (await engine.backlog(saleId)) > 0) return report;
  report.drift.push(...claimDrift);
  report.claimsCompared = true;
  if (claimDrift.length === 0) report.claimsVerifiedAt = eventId;
  return report;
}

/** Every claim of the sale on both sides, chunk by chunk; returns the disagreements (at most MAX_LISTED, then a count). */
async function compareClaims(em: EntityManager, engine: TimeSaleClaimEngine, saleId: string): Promise<string[]> {
  const drift: string[] = [];
  let unlisted = 0;
  const note = (line: string) => (drift.length < MAX_LISTED ? drift.push(line) : unlisted++);
  // Redis → PostgreSQL: each claim Redis holds is stored, with the same status.
  const redisCount = await engine.claimCount(saleId);
  const notStored = new Set<string>();
  for await (const claims of engine.scanClaims(saleId, CLAIM_CHUNK)) {
    const stored = await storedStatuses(em, claims.map((claim) => claim.id));
    for (const claim of claims) {
      const status = stored.get(claim.id);
      if (status === undefined) {
        if (!notStored.has(claim.id)) note(`claim ${claim.id}: in Redis (${claim.status}), not in PostgreSQL`);
        notStored.add(claim.id);
      } else if (status !== claim.status) note(`claim ${claim.id}: Redis ${claim.status}, PostgreSQL ${status}`);
    }
  }
  // PostgreSQL → Redis: when PostgreSQL holds more claims than the ones Redis has stored there, find the others.
  const [{ count }] = (await em.execute<{ count: number }[]>(
    `select count(*)::int as "count" from ${table(em, 'time_sale_claim')} where "sale_id" = ?`,
    [saleId],
  )) as [{ count: number }];
  if (count > redisCount - notStored.size) {
    let after = saleId;
    for (;;) {
      const rows = await em.execute<{ id: string; status: string }[]>(
        `select "id", "status" from ${table(em, 'time_sale_claim')} where "sale_id" = ? and "id" > ? order by "id" limit ?`,
        [saleId, after, CLAIM_CHUNK],
      );
      if (rows.length === 0) break;
      const inRedis = await engine.readClaimsById(saleId, rows.map((row) => row.id));
      rows.forEach((row, i) => inRedis[i] === null && note(`claim ${row.id}: in PostgreSQL (${row.status}), not in Redis`));
      after = rows.at(-1)!.id;
    }
  }
  if (unlisted > 0) drift.push(`…and ${unlisted} more claims that disagree`);
  return drift;
}

/** The stored status of each of these claims that PostgreSQL holds. */
async function storedStatuses(em: EntityManager, claimIds: string[]): Promise<Map<string, string>> {
  const rows = await em.execute<{ id: string; status: string }[]>(
    `select "id", "status" from ${table(em, 'time_sale_claim')} where "id" in (select jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(claimIds)],
  );
  return new Map(rows.map((row) => [row.id, row.status]));
}
