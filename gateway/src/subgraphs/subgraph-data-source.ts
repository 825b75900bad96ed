import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { GatewayContext } from '../context.js';

export interface SubgraphDataSourceOptions {
  url: string;
  timeoutMs: number;
}

/**
 * Calls one subgraph over HTTP. Node's fetch (undici) keeps connections alive and pools them per origin,
 * so a busy gateway does not pay a TCP handshake per subgraph fetch. Every fetch carries the request id.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor({ url, timeoutMs }: SubgraphDataSourceOptions) {
    const fetcher: Fetcher = (input, init) =>
      fetch(input, { ...(init as RequestInit), signal: AbortSignal.timeout(timeoutMs) }) as never;
    super({ url, fetcher });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }
}
