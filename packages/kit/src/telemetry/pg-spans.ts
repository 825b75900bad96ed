import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { EventEmitter } from 'node:events';

/** Longer statements are cut in the span: a bulk insert's text is not worth exporting whole. */
const MAX_STATEMENT_LENGTH = 2_000;

type Query = (...args: unknown[]) => unknown;
interface PgClient {
  query: Query;
}

const instrumented = new WeakSet<object>();

/**
 * A CLIENT span for every statement a pooled pg client runs while a span is active (a request's), none for
 * background work without one. OpenTelemetry's pg instrumentation cannot be used here: it hooks `require`,
 * and MikroORM loads pg with an ESM `import`, which Node 22 resolves without calling `require` (checked:
 * `Module.prototype.require` never sees 'pg'). So the pool the ORM built is instrumented directly: each client
 * is wrapped the first time the pool hands it out (pg-pool emits `acquire` before the caller gets it).
 */
export function tracePgPool(pool: EventEmitter, tracer: Tracer, namespace: string): void {
  pool.on('acquire', (client: PgClient) => {
    if (instrumented.has(client)) return;
    instrumented.add(client);
    const query = client.query;
    client.query = function tracedQuery(this: unknown, ...args: unknown[]) {
      const parent = context.active();
      if (!trace.getSpan(parent)) return query.apply(this, args);
      const first = args[0] as string | { text?: string } | undefined;
      const text = (typeof first === 'string' ? first : first?.text) ?? '';
      const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
      const span = tracer.startSpan(
        `${verb} ${namespace}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'postgresql',
            'db.namespace': namespace,
            'db.operation.name': verb,
            'db.query.text': text.slice(0, MAX_STATEMENT_LENGTH),
          },
        },
        parent,
      );
      const result = query.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(
          () => span.end(),
          (error: Error) => {
            span.recordException(error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
            span.end();
          },
        );
      } else {
        // A cursor or a callback-style call: its end is not observable here; the span marks its start.
        span.end();
      }
      return result;
    };
  });
}
