import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { signIdentity } from '@commerce/kit/http';
import type { GatewayContext } from '../context.js';

export interface SubgraphDataSourceOptions {
  url: string;
  timeoutMs: number;
  /** Signs the forwarded identity so subgraphs can tell it from a forgery. */
  sharedSecret: string;
}

/**
 * Calls one subgraph over HTTP. Node's fetch (undici) keeps connections alive and pools them per origin,
 * so a busy gateway does not pay a TCP handshake per subgraph fetch. Every fetch carries the request id.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly sharedSecret: string;

  constructor({ url, timeoutMs, sharedSecret }: SubgraphDataSourceOptions) {
    const fetcher: Fetcher = (input, init) =>
      fetch(input, { ...(init as RequestInit), signal: AbortSignal.timeout(timeoutMs) }) as never;
    super({ url, fetcher });
    this.sharedSecret = sharedSecret;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const headers = request.http?.headers;
    if (!headers) return;
    if (context?.requestId) headers.set('x-request-id', context.requestId);
    // Subgraphs trust only the last X-Forwarded-For entry: the one this gateway appends.
    if (context?.clientAddress) headers.set('x-forwarded-for', context.clientAddress);
    if (context?.viewer) {
      for (const [name, value] of Object.entries(signIdentity(context.viewer, this.sharedSecret))) headers.set(name, value);
    }
  }
}
