import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';

/** A Redis client by the name it gets as a label; a getter, for clients opened on first use (or never). */
export type RedisClients = Record<string, () => Redis | undefined>;

/**
 * Gauges read from each ioredis client at scrape time: whether it is connected, and the commands waiting
 * on it (sent and unanswered, or queued while disconnected). A growing queue is Redis falling behind.
 */
export function registerRedisMetrics(registry: Registry, clients: RedisClients) {
  const registers = [registry];
  const each = (visit: (name: string, redis: Redis) => void) => {
    for (const [name, client] of Object.entries(clients)) {
      const redis = client();
      if (redis) visit(name, redis);
    }
  };
  new Gauge({
    name: 'redis_client_connected',
    help: 'Whether each Redis client is connected and ready (1) or not (0).',
    labelNames: ['client'],
    registers,
    // Over a gateway cluster's workers (prom-client's aggregation), connected only where every worker's client is.
    aggregator: 'min',
    collect() {
      this.reset();
      each((name, redis) => this.set({ client: name }, redis.status === 'ready' ? 1 : 0));
    },
  });
  new Gauge({
    name: 'redis_client_commands_queued',
    help: 'Commands waiting on each Redis client: "sent" (awaiting a reply) or "offline" (held until it reconnects).',
    labelNames: ['client', 'queue'],
    registers,
    collect() {
      this.reset();
      each((name, redis) => {
        this.set({ client: name, queue: 'sent' }, redis.commandQueue.length);
        // Not in ioredis' typings, but the queue that grows while a client is disconnected.
        this.set({ client: name, queue: 'offline' }, (redis as unknown as { offlineQueue?: { length: number } }).offlineQueue?.length ?? 0);
      });
    },
  });
}
