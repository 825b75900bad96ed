import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdentitySigner, memberViewer } from '@commerce/kit/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../context.js';
import { SubgraphDataSource } from './subgraph-data-source.js';

// A stand-in subgraph over real HTTP that answers slowly and counts what it receives.
let server: Server;
let received: { body: string; identity: string | undefined }[] = [];
let source: SubgraphDataSource;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ body, identity: req.headers['x-commerce-identity'] as string | undefined });
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { n: received.length } }));
      }, 100);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  source = new SubgraphDataSource({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    timeoutMs: 5_000,
    identities: new IdentitySigner('a-secret-of-at-least-thirty-two-characters'),
  });
});
afterAll(async () => {
  await source.close();
  await new Promise((resolve) => server.close(resolve));
});

const call = (query: string, context: GatewayContext) =>
  source.process({ kind: 'incoming operation' as never, request: { query, variables: { id: 1 } }, context } as never);

describe('SubgraphDataSource', () => {
  it('shares identical reads in flight, per caller, and never shares mutations', async () => {
    received = [];
    const anonymous = (): GatewayContext => ({ requestId: 'r', viewer: null });
    const alice = (): GatewayContext => ({ requestId: 'r', viewer: memberViewer('a', ['CUSTOMER'], 's1') });
    const reads = await Promise.all([
      ...Array.from({ length: 5 }, () => call('query Q { x }', anonymous())),
      ...Array.from({ length: 3 }, () => call('query Q { x }', alice())),
    ]);
    expect(received).toHaveLength(2);
    // Each caller gets its own copy: changing one answer leaves the others alone.
    (reads[0] as { data: { n: number } }).data.n = 99;
    expect((reads[1] as { data: { n: number } }).data.n).not.toBe(99);
    expect(received.filter((request) => request.identity !== undefined)).toHaveLength(1);

    received = [];
    await Promise.all(Array.from({ length: 3 }, () => call('mutation M { x }', anonymous())));
    expect(received).toHaveLength(3);

    received = [];
    await call('query Q { x }', anonymous());
    await call('query Q { x }', anonymous());
    expect(received).toHaveLength(2);
  });
});

describe('the time budget', () => {
  it('covers the wait for a free connection: calls queued behind a stalled subgraph time out with it, not one after another', async () => {
    // A subgraph that never answers, one connection to it, four reads at once with a 500 ms budget each.
    const stalled = createServer(() => {});
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const queued = new SubgraphDataSource({
      url: `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/graphql`,
      timeoutMs: 500,
      retries: 0,
      connections: 1,
      identities: new IdentitySigner('a-secret-of-at-least-thirty-two-characters'),
    });
    try {
      const started = Date.now();
      const answers = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          queued.process({ kind: 'incoming operation' as never, request: { query: `{ n${n} }` }, context: {} } as never).then((answer) => ({
            answer,
            ms: Date.now() - started,
          })),
        ),
      );
      for (const { answer } of answers) expect(answer.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_TIMEOUT');
      // One after another they would end near 0.5, 1, 1.5 and 2 s; within one budget they all end near 0.5 s.
      expect(Math.max(...answers.map(({ ms }) => ms))).toBeLessThan(1_500);
    } finally {
      stalled.closeAllConnections();
      stalled.close();
      await queued.close().catch(() => {});
    }
  });
});
