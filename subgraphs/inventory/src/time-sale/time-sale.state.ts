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
  const held = (await engine.readClaims(saleId)).some((claim) => claim.status === 'HELD');
  if (held || (await engine.backlog(saleId)) > 0) return false;
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
  drift: string[];
}

/**
 * Compares a sale's Redis state with PostgreSQL. While stream entries wait (backlog > 0) PostgreSQL is
 * behind by design, so only a missing state is reported; at backlog 0 the remaining count and every
 * claim's status must agree.
 */
export async function reconcileTimeSale(deps: { em: EntityManager; engine: TimeSaleClaimEngine }, saleId: string): Promise<ReconciliationReport | null> {
  const em = deps.em.fork();
  const sale = await em.findOne(TimeSale, saleId);
  if (!sale) return null;
  const state = await deps.engine.readSale(saleId);
  const backlog = state ? await deps.engine.backlog(saleId) : 0;
  const report: ReconciliationReport = {
    saleId,
    redisRemaining: state?.remaining ?? null,
    postgresRemaining: sale.quantity - sale.claimed,
    backlog,
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
  const records = new Map((await em.find(TimeSaleClaimRecord, { saleId })).map((record) => [record.id, record]));
  for (const claim of await deps.engine.readClaims(saleId)) {
    const record = records.get(claim.id);
    if (!record) report.drift.push(`claim ${claim.id}: in Redis (${claim.status}), not in PostgreSQL`);
    else if (record.status !== claim.status) report.drift.push(`claim ${claim.id}: Redis ${claim.status}, PostgreSQL ${record.status}`);
    records.delete(claim.id);
  }
  for (const record of records.values()) report.drift.push(`claim ${record.id}: in PostgreSQL (${record.status}), not in Redis`);
  return report;
}
