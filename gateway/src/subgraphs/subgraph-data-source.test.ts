import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BATCH_CONTENT_TYPE, BATCH_HEADER, decodeBatchRequest, encodeBatchFrame, IdentitySigner, memberViewer } from '@commerce/kit/http';
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
      await queued.close();
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });
});

describe('batching', () => {
  // A stand-in subgraph speaking the batch protocol: it answers each call with the identity and variables it got,
  // the last call first; a call for n = 99 is answered 300 ms after the others.
  let batchServer: Server;
  let requests: { batch: string | undefined; calls: number }[] = [];
  let misbehave: 'no' | 'unavailable' | 'drops-one' | 'breaks-off' | 'resets-batches' | 'refuses-batches' = 'no';
  let batched: SubgraphDataSource;
  const batches: number[] = [];

  beforeAll(async () => {
    batchServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', async () => {
        const batch = req.headers[BATCH_HEADER] as string | undefined;
        const calls = batch ? decodeBatchRequest(JSON.parse(body))! : [{ headers: req.headers as Record<string, string>, body: JSON.parse(body) }];
        requests.push({ batch, calls: calls.length });
        if (misbehave === 'unavailable') {
          res.statusCode = 503;
          res.end('upstream restarting');
          return;
        }
        if (batch && misbehave === 'resets-batches') {
          res.destroy();
          return;
        }
        if (batch && misbehave === 'refuses-batches') {
          // As Apollo Server answers an array body when batching is off (a subgraph without batches).
          res.statusCode = 400;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ errors: [{ message: 'Operation batching disabled.', extensions: { code: 'BAD_REQUEST' } }] }));
          return;
        }
        const answerOf = (call: (typeof calls)[number]) => ({
          status: 200,
          contentType: 'application/json',
          text: JSON.stringify({
            data: {
              identity: call.headers['x-commerce-identity'] ?? null,
              variables: (call.body as { variables: unknown }).variables,
              ...((call.body as { variables: { n: number } }).variables.n === 77 ? { text: 'é'.repeat(50_000) } : {}),
            },
          }),
        });
        if (!batch) {
          res.setHeader('content-type', 'application/json');
          res.end(answerOf(calls[0]!).text);
          return;
        }
        res.setHeader('content-type', BATCH_CONTENT_TYPE);
        const order = [...calls.keys()].reverse();
        if (misbehave === 'drops-one') order.pop();
        for (const index of order) {
          const call = calls[index]!;
          if ((call.body as { variables: { n: number } }).variables.n === 99) await new Promise((resolve) => setTimeout(resolve, 300));
          const frame = encodeBatchFrame(index, answerOf(call));
          if ((call.body as { variables: { n: number } }).variables.n === 77) {
            // Written in two pieces a moment apart, cut inside a two-byte character.
            const bytes = Buffer.from(frame);
            const cut = bytes.indexOf(Buffer.from('é')) + 1;
            res.write(bytes.subarray(0, cut));
            await new Promise((resolve) => setTimeout(resolve, 50));
            res.write(bytes.subarray(cut));
            continue;
          }
          res.write(misbehave === 'breaks-off' && index === 0 ? frame.slice(0, 20) : frame);
        }
        // Broken off once what was written has left.
        if (misbehave === 'breaks-off') setTimeout(() => res.destroy(), 50);
        else res.end();
      });
    });
    await new Promise<void>((resolve) => batchServer.listen(0, '127.0.0.1', resolve));
    batched = new SubgraphDataSource({
      url: `http://127.0.0.1:${(batchServer.address() as AddressInfo).port}/graphql`,
      timeoutMs: 5_000,
      retries: 0,
      batching: true,
      onBatch: (calls) => batches.push(calls),
      identities: new IdentitySigner('a-secret-of-at-least-thirty-two-characters'),
    });
  });
  afterAll(async () => {
    await batched.close();
    await new Promise((resolve) => batchServer.close(resolve));
  });

  type Answer = { data?: { identity: string | null; variables: { n: number } }; errors?: { extensions: { code: string } }[] };
  const claim = (member: string, n: number) =>
    batched.process({
      kind: 'incoming operation' as never,
      request: { query: 'mutation Claim($n: Int!) { claim(n: $n) }', variables: { n } },
      context: { requestId: `r${n}`, viewer: memberViewer(member, ['CUSTOMER'], `s-${member}`) },
    } as never) as Promise<Answer>;

  it('sends the calls of one instant as one request, and gives each caller its own answer with its own identity', async () => {
    requests = [];
    batches.length = 0;
    misbehave = 'no';
    const answers = await Promise.all(Array.from({ length: 70 }, (_, n) => claim(`m${n % 7}`, n)));
    // 64 calls at most per batch: 70 go as two requests.
    expect(requests).toEqual([
      { batch: '64', calls: 64 },
      { batch: '6', calls: 6 },
    ]);
    expect(batches).toEqual([64, 6]);
    answers.forEach((answer, n) => {
      expect(answer.data!.variables).toEqual({ n });
      const claims = JSON.parse(Buffer.from(answer.data!.identity!, 'base64url').toString()) as { sub: string; sid: string };
      expect([claims.sub, claims.sid]).toEqual([`m${n % 7}`, `s-m${n % 7}`]);
    });

    requests = [];
    const alone = await claim('m1', 1);
    expect(requests).toEqual([{ batch: undefined, calls: 1 }]);
    expect(alone.data!.variables).toEqual({ n: 1 });
  });

  it('reads an answer whose characters arrive cut between pieces', async () => {
    misbehave = 'no';
    const [big, small] = (await Promise.all([claim('a', 77), claim('b', 2)])) as (Answer & { data: { text?: string } })[];
    expect(big!.data.text).toBe('é'.repeat(50_000));
    expect(small!.data.variables).toEqual({ n: 2 });
  });

  it('hands each caller its answer as soon as it is in: a slow call of the batch holds no other back', async () => {
    misbehave = 'no';
    const started = Date.now();
    const done: Record<number, number> = {};
    await Promise.all([99, 1, 2].map((n) => claim('a', n).then(() => (done[n] = Date.now() - started))));
    expect(done[99]).toBeGreaterThanOrEqual(290);
    expect(done[1]).toBeLessThan(200);
    expect(done[2]).toBeLessThan(200);
  });

  it("judges a batch's failure as each call's own: unavailable for a 503 or a broken-off answer, an error for a call left out", async () => {
    misbehave = 'unavailable';
    const unavailable = await Promise.all([claim('a', 1), claim('b', 2)]);
    expect(unavailable.map((answer) => answer.errors?.[0]?.extensions.code)).toEqual(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_UNAVAILABLE']);
    // The server answers the last call first and leaves out the first one.
    misbehave = 'drops-one';
    const dropped = await Promise.all([claim('a', 1), claim('b', 2)]);
    expect(dropped.map((answer) => answer.errors?.[0]?.extensions.code ?? answer.data?.variables.n)).toEqual(['SUBGRAPH_ERROR', 2]);
    misbehave = 'breaks-off';
    const brokenOff = await Promise.all([claim('a', 1), claim('b', 2)]);
    expect(brokenOff.map((answer) => answer.errors?.[0]?.extensions.code ?? answer.data?.variables.n)).toEqual(['SUBGRAPH_UNAVAILABLE', 2]);
    misbehave = 'no';
    expect((await Promise.all([claim('a', 1), claim('b', 2)])).map((answer) => answer.data?.variables)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('retries a read of a failed batch on its own, with what is left of its budget', async () => {
    const retrying = new SubgraphDataSource({
      url: `http://127.0.0.1:${(batchServer.address() as AddressInfo).port}/graphql`,
      timeoutMs: 5_000,
      retries: 1,
      batching: true,
      identities: new IdentitySigner('a-secret-of-at-least-thirty-two-characters'),
    });
    try {
      requests = [];
      misbehave = 'resets-batches';
      const read = (n: number) =>
        retrying.process({ kind: 'incoming operation' as never, request: { query: 'query Q($n: Int!) { q(n: $n) }', variables: { n } }, context: {} } as never);
      const answers = (await Promise.all([read(1), read(2)])) as Answer[];
      expect(answers.map((answer) => answer.data?.variables.n)).toEqual([1, 2]);
      expect(requests).toEqual([
        { batch: '2', calls: 2 },
        { batch: undefined, calls: 1 },
        { batch: undefined, calls: 1 },
      ]);
    } finally {
      misbehave = 'no';
      await retrying.close();
    }
  });

  // Last: the refusal makes this data source send calls alone for a while.
  it('sends the calls again one by one to a subgraph that refuses batches, and for a while sends them alone', async () => {
    requests = [];
    misbehave = 'refuses-batches';
    const answers = await Promise.all([claim('a', 1), claim('b', 2)]);
    expect(answers.map((answer) => answer.data?.variables.n)).toEqual([1, 2]);
    expect(requests).toEqual([
      { batch: '2', calls: 2 },
      { batch: undefined, calls: 1 },
      { batch: undefined, calls: 1 },
    ]);
    requests = [];
    await Promise.all([claim('a', 3), claim('b', 4)]);
    expect(requests).toEqual([
      { batch: undefined, calls: 1 },
      { batch: undefined, calls: 1 },
    ]);
    misbehave = 'no';
  });
});
