import { type Attributes, context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { injectTraceContext } from './propagation.js';

/**
 * Runs an outgoing call inside a CLIENT span: `work` gets the `traceparent` headers to send, so the callee's
 * server span becomes a child of this one. `failed` marks a call that returned but did not succeed (a GraphQL
 * response with errors).
 */
export async function withClientSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (traceHeaders: Record<string, string>) => Promise<T>,
  failed: (result: T) => string | undefined = () => undefined,
): Promise<T> {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const ctx = trace.setSpan(context.active(), span);
  const traceHeaders: Record<string, string> = {};
  injectTraceContext(ctx, traceHeaders);
  try {
    const result = await context.with(ctx, () => work(traceHeaders));
    const failure = failed(result);
    if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    return result;
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
