import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * One graphql-ws connection per subgraph, shared by every upstream subscription the gateway opens there:
 * a thousand shared subscriptions cost a thousand `subscribe` messages, not a thousand sockets.
 */
export class UpstreamClients {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly urlOf: (serviceName: string) => string) {}

  client(serviceName: string): Client {
    let client = this.clients.get(serviceName);
    if (!client) {
      const url = this.urlOf(serviceName).replace(/^http/, 'ws');
      client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: true,
        keepAlive: 10_000,
        retryAttempts: Number.POSITIVE_INFINITY,
        shouldRetry: () => true,
      });
      this.clients.set(serviceName, client);
    }
    return client;
  }

  async close() {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }
}
