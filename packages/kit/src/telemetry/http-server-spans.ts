import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extractTraceContext } from './propagation.js';

/** Runs `next` inside the request's span (see httpServerSpans). */
export type AroundRequest = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * A SERVER span per HTTP request, child of the caller's `traceparent` when it sent one, active for everything
 * `next` does (the GraphQL handler reads the body with awaits, so the span stays active through execution).
 */
export function httpServerSpans(tracer: Tracer): AroundRequest {
  return (req, res, next) => {
    const parent = extractTraceContext(req.headers);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const route = query === -1 ? url : url.slice(0, query);
    const span = tracer.startSpan(
      `${req.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': route } },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}
