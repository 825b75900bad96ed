import type { Orm } from '@commerce/kit';
import { type InventoryConfig, setting, TIME_SALE_STATE_TTL_MS } from '../config.js';
import { table } from '../db-tables.js';
import type { InventoryServices } from '../inventory.services.js';
import { TimeSaleStreamConsumer } from './time-sale.consumer.js';
import { reconcileTimeSale, settleTimeSale } from './time-sale.state.js';

/** The longest wait between two tries at a stream that could not be written. */
const MAX_WRITE_RETRY_MS = 30_000;

interface UnsettledSale {
  id: string;
  over: boolean;
  cancelled: boolean;
}

/** Runs `work` every `intervalMs` (never overlapping itself) until stopped; `stop` waits for a run in progress. */
function repeat(intervalMs: number, work: () => Promise<unknown>, log: (message: string) => void, label: string) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const tick = () => {
    running = work()
      .catch((error) => log(`${label}: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

/**
 * The time-sale engine's background work, safe to run on every replica:
 * - the stream consumer writes claims, releases, expiries and sales to PostgreSQL (consumer group);
 * - the sweep expires unpaid claims (Lua), rebuilds sale states Redis lost, and settles ended sales;
 * - the reconciliation compares Redis with PostgreSQL and logs drift.
 * The first sweep runs before this resolves, so sales (e.g. the seeded demo sale) have their Redis state
 * once the app is up.
 */
export async function startTimeSaleWorkers(options: {
  orm: Orm;
  services: InventoryServices;
  config: InventoryConfig;
  log?: (message: string) => void;
}): Promise<() => Promise<void>> {
  const { orm, services, config } = options;
  const log = options.log ?? console.error;
  const { engine, keeper } = services.timeSales;
  const pollMs = setting(config, 'TIME_SALE_STREAM_POLL_MS');
  const pendingIdleMs = setting(config, 'TIME_SALE_PENDING_IDLE_MS');
  // Retried well within the idle time after which another replica takes the entries over: each retry re-reads them,
  // so they stay with this consumer instead of bouncing between replicas that all fail on them.
  const maxRetryMs = Math.min(MAX_WRITE_RETRY_MS, pendingIdleMs / 2);
  const consumer = new TimeSaleStreamConsumer({
    engine,
    em: () => orm.em.fork(),
    services,
    pendingIdleMs,
  });
  let unsettled: UnsettledSale[] = [];
  /** Sales whose stream could not be written: how many times in a row, and when to try again. */
  const failing = new Map<string, { failures: number; retryAt: number }>();
  let refreshedAt = 0;

  const refresh = async () => {
    refreshedAt = Date.now();
    const em = orm.em.fork();
    unsettled = await em.execute<UnsettledSale[]>(
      `select "id", ("ends_at" <= clock_timestamp() or "cancelled_at" is not null) as "over", "cancelled_at" is not null as "cancelled"
         from ${table(em, 'time_sale')} where "settled_at" is null order by "id"`,
    );
  };

  const sweep = async () => {
    await refresh();
    for (const sale of unsettled) {
      try {
        const state = await engine.readSale(sale.id);
        if (!state) await keeper.rebuild(sale.id);
        // A withdrawal that met another replica's rebuild left the cancelling to this sweep.
        else if (sale.cancelled && state.status !== 'CANCELLED') await engine.cancel(sale.id);
        await engine.expireDue(sale.id);
        if (sale.over) {
          await consumer.drain(sale.id);
          await settleTimeSale({ em: orm.em.fork(), services, engine, stateTtlMs: TIME_SALE_STATE_TTL_MS }, sale.id);
        }
      } catch (error) {
        log(`time-sale ${sale.id} sweep: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  /** Drops what a map remembers about sales that are settled now. */
  const forgetClosed = (bySale: Map<string, unknown> | Set<string>) => {
    const open = new Set(unsettled.map((sale) => sale.id));
    for (const saleId of bySale.keys()) if (!open.has(saleId)) bySale.delete(saleId);
  };

  const consume = async () => {
    // Sales created on other replicas show up within a second even when the sweep runs rarely.
    if (Date.now() - refreshedAt > 1_000) await refresh();
    // One XLEN per sale (sent together, pipelined by the client) finds the streams with entries: written entries are
    // deleted, so an idle sale costs one cheap call a tick instead of a drain's three.
    const sales = unsettled; // the sweep may replace the list while this tick waits
    const backlogs = await Promise.all(sales.map((sale) => engine.backlog(sale.id)));
    const now = Date.now();
    for (const [index, sale] of sales.entries()) {
      const failed = failing.get(sale.id);
      if (backlogs[index] === 0) {
        failing.delete(sale.id); // written elsewhere (the sweep, another replica) or removed by an operator
        continue;
      }
      if (failed && failed.retryAt > now) continue;
      try {
        await consumer.drain(sale.id);
        failing.delete(sale.id);
      } catch (error) {
        // A batch that cannot be written (an entry PostgreSQL refuses, the database away) stays pending and is tried
        // again, less and less often; the other sales' streams go on being written meanwhile.
        const failures = (failed?.failures ?? 0) + 1;
        const delayMs = Math.min(maxRetryMs, pollMs * 2 ** failures);
        failing.set(sale.id, { failures, retryAt: Date.now() + delayMs });
        services.timeSales.metrics.recordStreamWriteFailure();
        log(`time-sale ${sale.id} stream write failed ${failures} time(s) in a row, next try in ${delayMs} ms: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failing.size > 0) forgetClosed(failing);
  };

  // What each sale looked like when its claims last agreed: while it looks the same they are not compared again.
  const verified = new Map<string, string>();
  const drifting = new Set<string>();
  const reconcile = async () => {
    for (const sale of unsettled) {
      const report = await reconcileTimeSale({ em: orm.em.fork(), engine }, sale.id, { claimsVerified: verified.get(sale.id) });
      if (report?.claimsVerified) verified.set(sale.id, report.claimsVerified);
      else verified.delete(sale.id);
      if (report && report.drift.length > 0) {
        drifting.add(sale.id);
        log(`time-sale ${sale.id} drift: ${report.drift.join('; ')}`);
      } else if (report?.claimsCompared) drifting.delete(sale.id);
      // Otherwise the sale was busy (entries not written yet, or it moved while compared): its last verdict stands.
    }
    forgetClosed(verified);
    forgetClosed(drifting);
  };

  const unwatch = services.timeSales.metrics.watch(
    () => unsettled.map((sale) => sale.id),
    () => failing.size,
    () => drifting.size,
  );
  await sweep().catch((error) => log(`time-sale sweep: ${error instanceof Error ? error.message : String(error)}`));
  const stops = [
    repeat(setting(config, 'TIME_SALE_SWEEP_MS'), sweep, log, 'time-sale sweep'),
    repeat(pollMs, consume, log, 'time-sale stream consumer'),
    repeat(setting(config, 'TIME_SALE_RECONCILE_MS'), reconcile, log, 'time-sale reconciliation'),
  ];
  return async () => {
    unwatch();
    await Promise.all(stops.map((stop) => stop()));
  };
}
