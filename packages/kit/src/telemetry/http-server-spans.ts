import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
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

/** Runs one call of a gateway batch inside its own span (see batchedCallSpans). */
export type AroundCall = <Answer extends { status: number }>(headers: IncomingHttpHeaders, next: () => Promise<Answer>) => Promise<Answer>;

/**
 * A SERVER span per call of a gateway batch, child of that call's own `traceparent`: the batch carries the calls
 * of many client requests, each of its own trace, and each call's work belongs to its trace as if it came alone.
 */
export function batchedCallSpans(tracer: Tracer): AroundCall {
  return async (headers, next) => {
    const parent = extractTraceContext(headers);
    const span = tracer.startSpan(
      'POST /graphql',
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'url.path': '/graphql', 'graphql.batched': true } },
      parent,
    );
    try {
      const answer = await context.with(trace.setSpan(parent, span), next);
      span.setAttribute('http.response.status_code', answer.status);
      if (answer.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return answer;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };
}
