import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/create-orm.js';
import { OutboxMessage } from './outbox-message.entity.js';

/** Carries out one message; throwing schedules a retry. */
export type OutboxHandler = (payload: any, message: OutboxMessage) => Promise<void>;

export interface OutboxRelayOptions {
  orm: Orm;
  handlers: Record<string, OutboxHandler>;
  /** How often to look for due messages when nothing woke the relay. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Delay before retry n is baseDelay × 2^(n−1), capped at maxDelay. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Delivered messages are deleted once this old (default 7 days): kept a while for an operator to look back on. */
  retainDeliveredMs?: number;
  /** How often delivered messages past retention are deleted (default hourly). */
  pruneIntervalMs?: number;
  log?: (message: string) => void;
}

export interface OutboxRelay {
  /** Looks for due messages now (e.g. right after a transaction enqueued one). */
  wake(): void;
  /** Delivers every message that is due, once; returns how many were delivered. For tests and scripts. */
  drain(): Promise<number>;
  /** Deletes the delivered messages older than the retention now; returns how many. For tests and scripts. */
  prune(): Promise<number>;
  stop(): Promise<void>;
}

/** Records a message in the caller's unit of work: it is written by the caller's flush or transaction. */
export function enqueueOutbox(em: EntityManager, topic: string, payload: Record<string, unknown>): OutboxMessage {
  return em.create(OutboxMessage, { topic, payload });
}

export const retryDelayMs = (attempt: number, baseDelayMs: number, maxDelayMs: number) =>
  Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));

/**
 * Delivers outbox messages. Each batch is claimed with `FOR UPDATE SKIP LOCKED` inside a transaction that
 * stays open while the handlers run, so several replicas never deliver the same message at once, and a
 * message whose process died mid-delivery is retried (after a restart too: the row is still pending).
 * Handlers must be idempotent by message id for the one remaining window: a crash after the side effect
 * but before the commit.
 */
export function startOutboxRelay({
  orm,
  handlers,
  pollIntervalMs = 500,
  batchSize = 20,
  baseDelayMs = 1_000,
  maxDelayMs = 5 * 60_000,
  retainDeliveredMs = 7 * 24 * 3_600_000,
  pruneIntervalMs = 3_600_000,
  log = console.error,
}: OutboxRelayOptions): OutboxRelay {
  let stopped = false;
  let prunedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function deliverBatch(): Promise<number> {
    return orm.em.fork().transactional(async (em) => {
      const due = await em.find(
        OutboxMessage,
        { deliveredAt: null, nextAttemptAt: { $lte: new Date() }, topic: { $in: Object.keys(handlers) } },
        { orderBy: { nextAttemptAt: 'asc', id: 'asc' }, limit: batchSize, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
      );
      let delivered = 0;
      for (const message of due) {
        try {
          await handlers[message.topic]!(message.payload, message);
          message.deliveredAt = new Date();
          message.lastError = null;
          delivered++;
        } catch (error) {
          message.attempts += 1;
          message.lastError = error instanceof Error ? error.message : String(error);
          message.nextAttemptAt = new Date(Date.now() + retryDelayMs(message.attempts, baseDelayMs, maxDelayMs));
          log(`outbox ${message.topic} ${message.id} failed (attempt ${message.attempts}): ${message.lastError}`);
        }
        // Written now, though committed with the batch: the session is never idle in its transaction for longer than
        // one handler takes, which keeps a batch of slow handlers clear of PostgreSQL's idle-in-transaction timeout.
        await em.flush();
      }
      return delivered;
    });
  }

  // Without it the table only grows: every order, refund and product change leaves a row behind.
  async function prune(): Promise<number> {
    prunedAt = Date.now();
    return orm.em.fork().nativeDelete(OutboxMessage, { deliveredAt: { $lt: new Date(Date.now() - retainDeliveredMs) } });
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const delivered = await deliverBatch();
      total += delivered;
      if (delivered < batchSize) return total;
    }
  }

  function tick() {
    if (stopped) return;
    clearTimeout(timer);
    running ??= (Date.now() - prunedAt >= pruneIntervalMs ? prune() : Promise.resolve(0))
      .then(drain)
      .catch((error) => {
        log(`outbox relay: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, pollIntervalMs);
      });
  }

  tick();
  return {
    wake: tick,
    drain,
    prune,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
