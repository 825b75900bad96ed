import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { extractTraceContext } from './propagation.js';

/**
 * A SERVER span per HTTP request, child of the caller's `traceparent` when it sent one, active for everything
 * the request does after this middleware. Mount it after the body parser: body parsing finishes in the socket's
 * async context, and the span must be active in the handler that follows.
 */
export function httpServerSpans(tracer: Tracer): RequestHandler {
  return (req, res, next) => {
    const parent = extractTraceContext(req.headers);
    const route = `${req.baseUrl}${req.path === '/' ? '' : req.path}`;
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
