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
 * Together they are how far PostgreSQL is behind Redis.
 */
export class TimeSaleMetrics {
  private readonly claims: Counter<'result'>;
  private sales: () => string[] = () => [];

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
    const metrics = this;
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

  /** Which sales' streams the gauges read: the stream consumer's open sales. */
  watch(sales: () => string[]): () => void {
    this.sales = sales;
    return () => {
      this.sales = () => [];
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
