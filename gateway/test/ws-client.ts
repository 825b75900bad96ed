import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface CollectedSubscription<T> {
  events: T[];
  errors: unknown[];
  /** Resolves once `predicate` holds for the events received so far. */
  waitFor(predicate: (events: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

/** A real graphql-ws client against the gateway, as a browser or app would open one. */
export function wsClient(httpUrl: string, connectionParams: Record<string, unknown> = {}): Client {
  return createClient({ url: httpUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}): CollectedSubscription<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(result.errors);
        else events.push(result.data as T);
      },
      // A refused or closed socket arrives as a CloseEvent, whose fields JSON.stringify would not show.
      error: (error) => {
        const close = error as { code?: number; reason?: string };
        errors.push(typeof close.code === 'number' ? { code: close.code, reason: close.reason } : error);
      },
      complete: () => {},
    },
  );
  return {
    events,
    errors,
    stop,
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (errors.length) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return events;
    },
  };
}
