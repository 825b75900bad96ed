import { Gauge, type Registry } from 'prom-client';
import type { Orm } from '../db/create-orm.js';
import { sharedScrapeRead } from '../metrics/scrape-read.js';

interface OutboxBacklog {
  pending: number;
  failing: number;
  oldest_seconds: number;
}

/**
 * The outbox's backlog, read from PostgreSQL at scrape time: messages not delivered yet, those of them whose last
 * attempt failed (retried, later each time), and how long the oldest has waited. A message that keeps failing is
 * retried for ever, so an alert on these is how anyone learns that a side effect (a mail, a call to another subgraph)
 * is not happening.
 */
export function registerOutboxMetrics(registry: Registry, orm: Orm, schema: string) {
  const read = sharedScrapeRead(async () => {
    const [row] = await orm.em.fork().execute<OutboxBacklog[]>(
      `select count(*)::int as "pending", (count(*) filter (where "attempts" > 0))::int as "failing",
              coalesce(extract(epoch from now() - min("created_at")), 0)::float8 as "oldest_seconds"
         from "${schema}"."outbox_message" where "delivered_at" is null`,
    );
    return row!;
  });
  const registers = [registry];
  new Gauge({
    name: 'outbox_messages',
    help: 'Outbox messages not delivered yet, by state: "pending" (all of them) or "failing" (their last attempt failed; retried later).',
    labelNames: ['state'],
    registers,
    async collect() {
      const backlog = await read();
      if (!backlog) return;
      this.set({ state: 'pending' }, backlog.pending);
      this.set({ state: 'failing' }, backlog.failing);
    },
  });
  new Gauge({
    name: 'outbox_oldest_pending_seconds',
    help: 'How long the oldest undelivered outbox message has waited (0 when none waits).',
    registers,
    async collect() {
      const backlog = await read();
      if (backlog) this.set(backlog.oldest_seconds);
    },
  });
}
