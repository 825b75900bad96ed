import type { Cluster, Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ClaimOutcome } from './time-sale-claim.service.js';
import { saleKeys, STREAM_GROUP } from './time-sale.keys.js';

/** A consumer group as XINFO GROUPS describes it (a flat field/value list). */
type GroupInfo = (string | number | null)[];

/**
 * The time-sale engine's series: claims by result (CLAIMED, SOLD_OUT, LIMIT_EXCEEDED, …), counted on the claim
 * path, and the `pg-writer` consumer group's backlog on the sales' claim streams, read from Redis at scrape
 * time: `pending` (delivered to a consumer, not yet written and acknowledged) and `lag` (not yet delivered).
 * Together they are how far PostgreSQL is behind Redis. A batch the consumer fails to write counts in
 * `time_sale_stream_write_failures_total`, and `time_sale_stream_stalled_sales` is how many sales are stuck that way
 * now (worth an alert: their claims are not reaching PostgreSQL). `time_sale_drifting_sales` counts the sales whose last
 * reconciliation found Redis and PostgreSQL disagreeing (worth an alert too, once it lasts: a sale paused after Redis
 * lost its state shows there until it is rebuilt).
 */
export class TimeSaleMetrics {
  private readonly claims: Counter<'result'>;
  private readonly streamWriteFailures: Counter;
  private sales: () => string[] = () => [];
  private stalledSales: () => number = () => 0;
  private driftingSales: () => number = () => 0;

  constructor(
    registry: Registry,
    private readonly redis: Redis | Cluster,
  ) {
    const registers = [registry];
    this.claims = new Counter({
      name: 'time_sale_claims_total',
      help: 'Time-sale claim attempts by result: CLAIMED (REPLAYED for a repeated idempotency key) or the refusal.',
      labelNames: ['result'],
      registers,
    });
    this.streamWriteFailures = new Counter({
      name: 'time_sale_stream_write_failures_total',
      help: 'Batches of a claim stream the pg-writer consumer failed to write to PostgreSQL (they stay pending and are retried).',
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'time_sale_stream_stalled_sales',
      help: "Open sales whose claim stream's last write to PostgreSQL failed: their claims are not being recorded until it succeeds.",
      registers,
      collect() {
        this.set(metrics.stalledSales());
      },
    });
    new Gauge({
      name: 'time_sale_drifting_sales',
      help: "Open sales whose last reconciliation found Redis and PostgreSQL disagreeing (the log lists how).",
      registers,
      collect() {
        this.set(metrics.driftingSales());
      },
    });
    new Gauge({
      name: 'time_sale_stream_entries',
      help: 'Claim stream entries the pg-writer consumer group has not written to PostgreSQL yet, over all open sales: "pending" (delivered, not acknowledged) or "lag" (not delivered yet).',
      labelNames: ['state'],
      registers,
      async collect() {
        const totals = await metrics.streamBacklog();
        this.set({ state: 'pending' }, totals.pending);
        this.set({ state: 'lag' }, totals.lag);
      },
    });
  }

  recordClaim(outcome: ClaimOutcome): void {
    this.claims.inc({ result: outcome.kind === 'CLAIMED' && outcome.replayed ? 'REPLAYED' : outcome.kind });
  }

  recordStreamWriteFailure(): void {
    this.streamWriteFailures.inc();
  }

  /** What the gauges read: the workers' open sales, how many of them the consumer fails to write, and how many drift. */
  watch(sales: () => string[], stalledSales: () => number, driftingSales: () => number): () => void {
    this.sales = sales;
    this.stalledSales = stalledSales;
    this.driftingSales = driftingSales;
    return () => {
      this.sales = () => [];
      this.stalledSales = () => 0;
      this.driftingSales = () => 0;
    };
  }

  private async streamBacklog(): Promise<{ pending: number; lag: number }> {
    const totals = { pending: 0, lag: 0 };
    await Promise.all(
      this.sales().map(async (saleId) => {
        const groups = (await this.redis.xinfo('GROUPS', saleKeys(saleId)[5]!).catch(() => [])) as GroupInfo[];
        for (const group of groups) {
          const fields = new Map<string, unknown>();
          for (let i = 0; i + 1 < group.length; i += 2) fields.set(String(group[i]), group[i + 1]);
          if (fields.get('name') !== STREAM_GROUP) continue;
          totals.pending += Number(fields.get('pending') ?? 0);
          // Redis reports lag as null when it cannot tell (after entries were deleted out of order): count none.
          totals.lag += Number(fields.get('lag') ?? 0);
        }
      }),
    );
    return totals;
  }
}
