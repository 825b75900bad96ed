import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type UpstreamBehaviour =
  | { kind: 'pass' }
  /** Forwards after holding the request this long. */
  | { kind: 'delay'; ms: number }
  /** Answers with this status and a text body, as a proxy in front of a restarting server would. */
  | { kind: 'status'; status: number }
  /** Drops the connection without answering (a crash mid-request). */
  | { kind: 'reset' };

/**
 * A real HTTP server on loopback in front of one real subgraph: forwards requests, or delays them, answers
 * 5xx, or resets the connection, and counts every request it receives by kind (query or mutation), so tests
 * can tell how often the gateway called the subgraph.
 */
export class FlakyUpstream {
  behaviour: UpstreamBehaviour = { kind: 'pass' };
  /** The next `count` requests get `behaviour`; later ones pass. Infinity: all of them. */
  remaining = Number.POSITIVE_INFINITY;
  readonly hits = { query: 0, mutation: 0 };
  /** Why forwarding to the real subgraph failed, when it did. */
  readonly forwardErrors: string[] = [];
  private server?: Server;
  private readonly target: URL;

  constructor(targetUrl: string) {
    this.target = new URL(targetUrl);
  }

  /** The behaviour for the next `count` requests (default: until changed). */
  set(behaviour: UpstreamBehaviour, count = Number.POSITIVE_INFINITY) {
    this.behaviour = behaviour;
    this.remaining = count;
  }

  get total() {
    return this.hits.query + this.hits.mutation;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const query = String((JSON.parse(body.toString() || '{}') as { query?: unknown }).query ?? '');
        this.hits[/^\s*mutation\b/.test(query) ? 'mutation' : 'query']++;
        const behaviour = this.remaining > 0 ? this.behaviour : ({ kind: 'pass' } as const);
        this.remaining--;
        if (behaviour.kind === 'reset') return req.socket.destroy();
        if (behaviour.kind === 'status') {
          res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end('upstream unavailable');
          return;
        }
        const forward = () => {
          const upstream = request(this.target, { method: 'POST', headers: { ...req.headers, host: this.target.host } }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          });
          upstream.on('error', (error) => {
            // Not a behaviour the test asked for: the real subgraph could not be reached. Tests check this stays empty.
            this.forwardErrors.push(error.message);
            res.destroy();
          });
          upstream.end(body);
        };
        if (behaviour.kind === 'delay') {
          const timer = setTimeout(forward, behaviour.ms);
          res.on('close', () => clearTimeout(timer));
        } else forward();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${this.target.pathname}`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
