/** Roles a caller can hold. SERVICE marks another subgraph calling an internal operation. */
export type RoleName = 'CUSTOMER' | 'SELLER' | 'ADMIN' | 'SERVICE';

/** Who is calling: a member (with the session their token belongs to) or one of our own services. */
export interface Viewer {
  /** The member's id; null for a service. */
  memberId: string | null;
  roles: RoleName[];
  /** The device session the member's access token belongs to. */
  sessionId: string | null;
  /** The calling service's name, for SERVICE callers. */
  service: string | null;
  /**
   * Whether the member may buy (check out, claim time-sales): their email is verified, or the deployment does not
   * require it. Carried in the access token so hot paths need not ask members; undefined for services.
   */
  canPurchase?: boolean;
}

export const memberViewer = (memberId: string, roles: RoleName[], sessionId: string | null, canPurchase = true): Viewer => ({
  memberId,
  roles,
  sessionId,
  service: null,
  canPurchase,
});

export const serviceViewer = (service: string): Viewer => ({ memberId: null, roles: ['SERVICE'], sessionId: null, service });
