import { type Orm, sharedScrapeRead } from '@commerce/kit';
import { Gauge, type Registry } from 'prom-client';
import { SagaState, TERMINAL_STATES } from './saga-state.js';

const UNFINISHED_STATES = Object.values(SagaState).filter((state) => !TERMINAL_STATES.includes(state));

/**
 * Checkouts not finished yet, read from PostgreSQL at scrape time. A checkout lasts well under a second; one still
 * unfinished after minutes is waiting on recovery, and a pivot nobody answers (inventory down, or its writes failing)
 * keeps a member's payment authorized and the order PENDING for as long as it lasts: it needs a person.
 */
export function registerSagaMetrics(registry: Registry, orm: Orm) {
  const read = sharedScrapeRead(() =>
    orm.em.fork().execute<{ state: SagaState; count: number; oldest_seconds: number }[]>(
      `select "state", count(*)::int as "count", extract(epoch from now() - min("created_at"))::float8 as "oldest_seconds"
         from "orders"."checkout_saga" where "state" not in ('COMPLETED', 'FAILED') group by "state"`,
    ),
  );
  const registers = [registry];
  new Gauge({
    name: 'checkout_sagas_unfinished',
    help: 'Checkout sagas not yet COMPLETED or FAILED, by state (CONFIRMING past its pivot or waiting for an answer to it, COMPENSATING, …).',
    labelNames: ['state'],
    registers,
    async collect() {
      const rows = await read();
      if (!rows) return;
      for (const state of UNFINISHED_STATES) this.set({ state }, rows.find((row) => row.state === state)?.count ?? 0);
    },
  });
  new Gauge({
    name: 'checkout_saga_oldest_unfinished_seconds',
    help: 'Age of the oldest checkout saga not yet COMPLETED or FAILED (0 when none is).',
    registers,
    async collect() {
      const rows = await read();
      if (rows) this.set(Math.max(0, ...rows.map((row) => row.oldest_seconds)));
    },
  });
}
