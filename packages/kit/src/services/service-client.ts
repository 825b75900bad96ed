import { GraphQLError } from 'graphql';
import { signIdentity } from '../identity/identity-headers.js';
import { serviceViewer } from '../identity/viewer.js';

export interface ServiceClientOptions {
  /** The calling service's name, e.g. "orders". */
  service: string;
  secret: string;
  timeoutMs?: number;
}

/**
 * Calls another subgraph's internal (`@inaccessible`) operations directly, as a SERVICE caller, with the
 * identity signed by the shared secret. GraphQL errors come back as a thrown GraphQLError keeping the
 * callee's code, so the caller can tell a business refusal from an outage.
 */
export function createServiceClient({ service, secret, timeoutMs = 5_000 }: ServiceClientOptions) {
  return async function callSubgraph<Data = any>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Data> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signIdentity(serviceViewer(service), secret) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { data?: Data; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    const [error] = body.errors ?? [];
    if (error) throw new GraphQLError(error.message, { extensions: error.extensions ?? { code: 'INTERNAL_SERVER_ERROR' } });
    if (!response.ok || body.data == null) throw new Error(`${url} answered ${response.status} without data`);
    return body.data;
  };
}

export type ServiceClient = ReturnType<typeof createServiceClient>;
