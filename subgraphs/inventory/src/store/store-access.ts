import { forbidden, hasRole, requireOwnerOrAdmin, requireViewer, type Viewer } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { StoreOwner } from './store-owner.entity.js';

/**
 * The caller if it may manage `storeId`'s stock: its owner, or an admin. UNAUTHENTICATED for anonymous
 * callers; FORBIDDEN for everyone else, including for stores inventory has not heard of (no existence leak).
 */
export async function requireStoreManager(context: { em: EntityManager; viewer: Viewer | null }, storeId: string | null): Promise<Viewer> {
  const viewer = requireViewer(context);
  if (hasRole(viewer, 'ADMIN')) return viewer;
  const owner = storeId ? await context.em.findOne(StoreOwner, { storeId }) : null;
  if (!owner) throw forbidden();
  return requireOwnerOrAdmin(context, owner.ownerId);
}
