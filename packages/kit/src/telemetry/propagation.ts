import { type Context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C trace context (`traceparent`, `tracestate`) is the only propagation format the supergraph speaks. */
const propagator = new W3CTraceContextPropagator();

/** The remote parent a caller sent in its `traceparent` header, as a context to start a server span in. */
export function extractTraceContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** Writes `traceparent` (and `tracestate`) for the span active in `ctx` into `carrier`. */
export function injectTraceContext(ctx: Context, carrier: Record<string, string>): void {
  propagator.inject(ctx, carrier, defaultTextMapSetter);
}
