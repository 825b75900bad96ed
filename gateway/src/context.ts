import type { Viewer } from '@commerce/kit/http';

/** What the gateway knows about one client request. */
export interface GatewayContext {
  requestId: string;
  /** The member whose access token this request carried, verified once here; null when anonymous. */
  viewer: Viewer | null;
  /** The client's address as the gateway's socket saw it, forwarded so subgraphs can rate-limit by it. */
  clientAddress?: string;
  /** The viewer's identity headers, signed once for all of this request's subgraph fetches. */
  signedIdentity?: Record<string, string>;
}
