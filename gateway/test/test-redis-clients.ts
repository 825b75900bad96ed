import { Redis } from 'ioredis';

/** Connections to a redis-server of the test's own, under a key prefix, closed together after each test. */
export function testRedisClients(url: () => string, keyPrefix: string) {
  const clients: Redis[] = [];
  return {
    connect(): Redis {
      const client = new Redis(url(), { keyPrefix, maxRetriesPerRequest: 1 });
      client.on('error', () => {}); // refused while the server restarts
      clients.push(client);
      return client;
    },
    disconnectAll(): void {
      for (const client of clients.splice(0)) client.disconnect();
    },
  };
}
