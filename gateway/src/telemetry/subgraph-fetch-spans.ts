import type { GraphQLDataSource } from '@apollo/gateway';
import type { Tracing } from '@commerce/kit/telemetry';
import { withClientSpan } from '@commerce/kit/telemetry';

/**
 * A CLIENT span around every fetch of one subgraph's data source, with `traceparent` added to the request's
 * headers (the data source copies `request.http.headers` onto its call), so the subgraph's server span is its
 * child. Without tracing the source is returned untouched.
 */
export function traceSubgraphFetches<Source extends GraphQLDataSource<any>>(
  tracing: Tracing | undefined,
  subgraph: string,
  source: Source,
): Source {
  if (!tracing) return source;
  const process = source.process.bind(source);
  source.process = ((options) =>
    withClientSpan(
      tracing.tracer,
      `fetch ${subgraph}`,
      { 'graphql.subgraph': subgraph, 'graphql.operation.name': options.request.operationName ?? '' },
      (traceHeaders) => {
        const headers = new Headers(traceHeaders);
        for (const [name, value] of options.request.http?.headers ?? []) headers.set(name, value);
        const http = { method: 'POST', url: options.request.http?.url ?? '', headers };
        return process({ ...options, request: { ...options.request, http } } as typeof options);
      },
      (response) => (response.errors?.length ? response.errors[0]!.message : undefined),
    )) as Source['process'];
  return source;
}
