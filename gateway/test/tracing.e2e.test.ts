import { randomBytes, randomUUID } from 'node:crypto';
import { demoId } from '@commerce/demo-data';
import { createLogger } from '@commerce/kit/logging';
import { captureLogs, eventually, graphqlRequest, type OtlpReceiver, parseMetrics, type ReceivedSpan, startOtlpReceiver } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

const SERVER = 2;
const CLIENT = 3;

let receiver: OtlpReceiver;
let supergraph: RunningSupergraph;
const logs = captureLogs();

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
  supergraph = await startSupergraph('tracing', tracing, tracing, {
    logger: createLogger({ service: 'gateway', level: 'info', destination: logs.destination }),
  });
});
afterAll(async () => {
  await supergraph?.close();
  await receiver?.stop();
});

/** A caller's W3C trace context: the trace id it started and the id of its own (client) span. */
function clientTraceContext() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const response = await fetch(supergraph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** Whether `span` sits below `ancestor` in the trace (following parent ids). */
function descends(span: ReceivedSpan, ancestor: ReceivedSpan, spans: ReceivedSpan[]): boolean {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) {
    if (parent.spanId === ancestor.spanId) return true;
  }
  return false;
}

describe('tracing across the supergraph', () => {
  it('puts the gateway operation, its subgraph fetches, the subgraphs and their PostgreSQL and Redis calls in the caller\'s trace', async () => {
    const caller = clientTraceContext();
    const result = await post(
      `query TracedVariant($id: ID!) { productVariant(id: $id) { sku stock { available } product { name lowestPrice { amount } } } }`,
      { id: demoId('variant:enamel-mug-white') },
      { traceparent: caller.traceparent },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.productVariant.sku).toBe('JG-EM-WHT');

    const spans = await eventually(() => {
      const trace = receiver.trace(caller.traceId);
      const services = new Set(trace.filter((span) => span.kind === SERVER).map((span) => span.service));
      expect([...services].sort()).toEqual(['catalog', 'gateway', 'inventory']);
      expect(trace.some((span) => span.attributes['db.system.name'] === 'postgresql')).toBe(true);
      expect(trace.some((span) => span.attributes['db.system.name'] === 'redis')).toBe(true);
      return trace;
    }, 15_000);
    expect(receiver.refused).toEqual([]);

    // The gateway's operation span continues the caller's span.
    const operation = spans.find((span) => span.service === 'gateway' && span.kind === SERVER)!;
    expect(operation.name).toBe('query TracedVariant');
    expect(operation.parentSpanId).toBe(caller.spanId);
    expect(operation.attributes['graphql.operation.name']).toBe('TracedVariant');

    // One fetch span per subgraph the plan touched, each the parent of that subgraph's server span.
    const fetches = spans.filter((span) => span.service === 'gateway' && span.kind === CLIENT && span.name.startsWith('fetch '));
    expect(fetches.map((span) => span.name).sort()).toEqual(['fetch catalog', 'fetch inventory']);
    for (const fetch of fetches) {
      expect(descends(fetch, operation, spans)).toBe(true);
      const subgraph = fetch.attributes['graphql.subgraph'];
      const server = spans.find((span) => span.service === subgraph && span.kind === SERVER && span.parentSpanId === fetch.spanId);
      expect(server?.name).toMatch(/^query TracedVariant__/);
    }

    // The database and Redis calls the subgraphs made for this request hang below the operation.
    const postgres = spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(new Set(postgres.map((span) => span.service))).toEqual(new Set(['catalog', 'inventory']));
    expect(postgres.every((span) => span.kind === CLIENT && descends(span, operation, spans))).toBe(true);
    expect(postgres.some((span) => String(span.attributes['db.query.text']).startsWith('select'))).toBe(true);
    const redis = spans.filter((span) => span.attributes['db.system.name'] === 'redis' && span.service === 'catalog');
    expect(redis.map((span) => span.name)).toContain('redis MGET');
    expect(redis.every((span) => descends(span, operation, spans))).toBe(true);
  });

  it("keeps each call of a batch the gateway sent to a subgraph in its own caller's trace", async () => {
    const batchedCalls = async () => {
      const text = await (await fetch(supergraph.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
      return parseMetrics(text).find((sample) => sample.name === 'gateway_subgraph_batch_calls_count' && sample.labels.subgraph === 'catalog')?.value ?? 0;
    };
    // Requests that reach the gateway in the same instant go to catalog as one batch; a few rounds make sure one did.
    // Each asks for another product: identical reads in flight would share one call instead.
    let callers: ReturnType<typeof clientTraceContext>[] = [];
    let batched = false;
    for (let round = 0; round < 10 && !batched; round++) {
      const before = await batchedCalls();
      callers = Array.from({ length: 20 }, () => clientTraceContext());
      const results = await Promise.all(
        callers.map((caller, n) =>
          post(`query TracedProduct($id: ID!) { product(id: $id) { name } }`, { id: demoId(`product:traced-${n}`) }, { traceparent: caller.traceparent }),
        ),
      );
      expect(results.every((result) => result.data || result.errors?.[0]?.extensions?.code === 'NOT_FOUND')).toBe(true);
      batched = (await batchedCalls()) > before;
    }
    // The traces checked below are those of a round that was batched.
    expect(batched).toBe(true);

    for (const caller of callers) {
      // Each process exports its spans on its own schedule: wait for both ends of the call.
      const spans = await eventually(() => {
        const trace = receiver.trace(caller.traceId);
        expect(trace.some((span) => span.service === 'catalog' && span.kind === SERVER)).toBe(true);
        expect(trace.some((span) => span.service === 'gateway' && span.kind === CLIENT && span.name === 'fetch catalog')).toBe(true);
        return trace;
      }, 15_000);
      const fetch = spans.find((span) => span.service === 'gateway' && span.kind === CLIENT && span.name === 'fetch catalog')!;
      const server = spans.filter((span) => span.service === 'catalog' && span.kind === SERVER);
      expect(server).toHaveLength(1);
      expect(server[0]!.parentSpanId).toBe(fetch.spanId);
      expect(server[0]!.name).toMatch(/^query TracedProduct/);
    }
  });

  it('marks a failed operation with the request id and trace id on its error log line', async () => {
    await supergraph.subgraphs.coupons!.close();
    const caller = clientTraceContext();
    const requestId = randomUUID();
    const result = await post(
      `query TracedCoupon($id: ID!) { couponTemplate(id: $id) { id name } }`,
      { id: demoId('coupon:welcome') },
      { traceparent: caller.traceparent, 'x-request-id': requestId },
    );
    expect(result.errors?.length).toBeGreaterThan(0);

    const line = logs.lines.find((each) => each.level === 'error' && each.requestId === requestId);
    expect(line).toMatchObject({ service: 'gateway', operation: 'TracedCoupon', trace_id: caller.traceId });
    expect(line!.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(logs.lines.filter((each) => each.requestId === requestId && each.level === 'info')).toEqual([]);

    const operation = await eventually(() => {
      const span = receiver.trace(caller.traceId).find((each) => each.service === 'gateway' && each.kind === SERVER);
      expect(span).toBeDefined();
      return span!;
    }, 15_000);
    expect(operation.spanId).toBe(line!.span_id);
    expect(operation.status).toBe(2);
  });
});
