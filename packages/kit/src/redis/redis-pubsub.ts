import { Redis } from 'ioredis';

export interface RedisPubSubOptions {
  url: string;
  /** The deployment's key prefix; ioredis applies `keyPrefix` to keys only, so channels get it here. */
  prefix: string;
  /** Events kept per slow subscriber before the oldest are dropped (the newest always survives). */
  maxQueuedPerSubscriber?: number;
}

/**
 * Domain events over Redis pub/sub, so every replica of a subgraph (and every gateway behind it) sees every
 * event. One subscriber connection per process, fanned out in memory; each subscriber gets a bounded queue,
 * so a consumer that stops reading drops its oldest events instead of growing memory without bound.
 */
export function createRedisPubSub({ url, prefix, maxQueuedPerSubscriber = 1_000 }: RedisPubSubOptions) {
  // Connected on first use: most subgraphs never publish or subscribe, and need not hold two more connections.
  let publisherConnection: Redis | undefined;
  let subscriberConnection: Redis | undefined;
  const publisher = () => (publisherConnection ??= new Redis(url, { maxRetriesPerRequest: 2 }));
  const subscriber = () => {
    if (!subscriberConnection) {
      subscriberConnection = new Redis(url);
      subscriberConnection.on('message', (channel: string, message: string) => {
        for (const listener of listeners.get(channel) ?? []) listener(message);
      });
    }
    return subscriberConnection;
  };
  const listeners = new Map<string, Set<(message: string) => void>>();

  async function listen(channel: string, listener: (message: string) => void) {
    let set = listeners.get(channel);
    if (!set) {
      set = new Set();
      listeners.set(channel, set);
      await subscriber().subscribe(channel);
    }
    set.add(listener);
  }

  async function unlisten(channel: string, listener: (message: string) => void) {
    const set = listeners.get(channel);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) {
      listeners.delete(channel);
      // The connection may be closing (shutdown); the channel dies with it either way.
      await subscriber().unsubscribe(channel).catch(() => {});
    }
  }

  return {
    /** Publishes a JSON payload on `channel` (unprefixed name). */
    async publish(channel: string, payload: unknown): Promise<void> {
      await publisher().publish(prefix + channel, JSON.stringify(payload));
    },

    /** Events on any of `channels` until the consumer stops iterating. */
    subscribe<T>(channels: string[]): AsyncIterableIterator<T> {
      const queue: T[] = [];
      let wake: (() => void) | undefined;
      let done = false;
      const full = channels.map((channel) => prefix + channel);
      const onMessage = (message: string) => {
        queue.push(JSON.parse(message) as T);
        if (queue.length > maxQueuedPerSubscriber) queue.shift();
        wake?.();
      };
      const ready = Promise.all(full.map((channel) => listen(channel, onMessage)));
      const finish = async () => {
        done = true;
        wake?.();
        await Promise.all(full.map((channel) => unlisten(channel, onMessage)));
      };
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        async next(): Promise<IteratorResult<T>> {
          await ready;
          while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          if (done) return { value: undefined, done: true };
          return { value: queue.shift()!, done: false };
        },
        async return(): Promise<IteratorResult<T>> {
          await finish();
          return { value: undefined, done: true };
        },
      };
    },

    /** Its connections for the Redis gauges; each is undefined until first used. */
    connections(): { publisher: Redis | undefined; subscriber: Redis | undefined } {
      return { publisher: publisherConnection, subscriber: subscriberConnection };
    },

    async close() {
      listeners.clear();
      await Promise.allSettled([publisherConnection?.quit(), subscriberConnection?.quit()]);
    },
  };
}

export type RedisPubSub = ReturnType<typeof createRedisPubSub>;
