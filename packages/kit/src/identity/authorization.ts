import type { AuthCheckerFn } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors/graphql-errors.js';
import type { RoleName, Viewer } from './viewer.js';

interface WithViewer {
  viewer: Viewer | null;
}

/** The caller, or UNAUTHENTICATED. */
export function requireViewer(context: WithViewer): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

/** The calling member, or UNAUTHENTICATED (services are not members). */
export function requireMember(context: WithViewer): Viewer & { memberId: string } {
  const viewer = requireViewer(context);
  if (!viewer.memberId) throw forbidden('Only members may do this.');
  return viewer as Viewer & { memberId: string };
}

export function hasRole(viewer: Viewer | null, ...roles: RoleName[]): boolean {
  return !!viewer && roles.some((role) => viewer.roles.includes(role));
}

/** The caller if it holds one of `roles`; UNAUTHENTICATED or FORBIDDEN otherwise. */
export function requireRole(context: WithViewer, ...roles: RoleName[]): Viewer {
  const viewer = requireViewer(context);
  if (!hasRole(viewer, ...roles)) throw forbidden();
  return viewer;
}

/** Owner-only, with admins allowed through: for "only the store's owner (or an admin) may change it". */
export function requireOwnerOrAdmin(context: WithViewer, ownerId: string): Viewer {
  const viewer = requireViewer(context);
  if (viewer.memberId !== ownerId && !hasRole(viewer, 'ADMIN')) throw forbidden();
  return viewer;
}

/**
 * type-graphql's check behind `@Authorized()` (any authenticated caller) and `@Authorized('ADMIN', …)`
 * (any of the roles). Throws coded errors instead of type-graphql's generic "Access denied".
 */
export const authChecker: AuthCheckerFn<WithViewer, RoleName> = ({ context }, roles) => {
  if (roles.length === 0) requireViewer(context);
  else requireRole(context, ...roles);
  return true;
};
