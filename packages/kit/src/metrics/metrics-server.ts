import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import { listen } from '../server/http-listener.js';
import type { Metrics } from './metrics.js';

/**
 * Where GET /metrics is served. Without a port, on the app's own port beside /graphql (as it always was);
 * with METRICS_PORT, only on that port, which an operator can keep off the public network. `text`, when given, is
 * served instead of the app's own registry (a cluster worker serves its whole cluster's).
 */
export function serveMetrics(app: Express, metrics: Metrics, port: number | undefined, text?: () => Promise<string>) {
  if (port === undefined) {
    app.get('/metrics', metrics.handler(text));
    return { listen: async (_host: string): Promise<string | undefined> => undefined, close: async () => {} };
  }
  const operator = express();
  operator.disable('x-powered-by');
  operator.get('/metrics', metrics.handler(text));
  const server: Server = createServer(operator);
  return {
    /** Binds the operator port; resolves with the metrics URL. */
    async listen(host: string): Promise<string | undefined> {
      const bound = await listen(server, port, host);
      return `http://${host}:${bound}/metrics`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
