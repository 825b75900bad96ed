import { type Connection, notFound, toConnection, type PageArgs, readPageArgs, requireUuid, requireViewer, type Viewer } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireStoreManager } from '../store/store-access.js';
import { LowStockAlert } from './low-stock-alert.entity.js';

type AlertContext = { em: EntityManager; viewer: Viewer | null };

/** A store's alerts, newest first; ids are UUIDv7, so paging by id is paging by time and stays stable as alerts arrive. */
export async function listLowStockAlerts(
  context: AlertContext,
  input: PageArgs & { storeId: string; unreadOnly?: boolean | null },
): Promise<Connection<LowStockAlert>> {
  requireViewer(context);
  const storeId = requireUuid(input.storeId, 'storeId');
  await requireStoreManager(context, storeId);
  const { limit, afterKey } = readPageArgs(input);
  const rows = await context.em.find(
    LowStockAlert,
    {
      storeId,
      ...(input.unreadOnly ? { readAt: null } : {}),
      ...(afterKey ? { id: { $lt: afterKey } } : {}),
    },
    { orderBy: { id: 'desc' }, limit: limit + 1 },
  );
  return toConnection(rows, limit, (alert) => alert.id, afterKey !== null);
}

/** Marks an alert read; marking it again keeps the first time. */
export async function markAlertRead(context: AlertContext, id: string): Promise<LowStockAlert> {
  requireViewer(context);
  const alertId = requireUuid(id, 'id');
  const alert = await context.em.findOne(LowStockAlert, { id: alertId });
  if (!alert) throw notFound('LowStockAlert', alertId);
  await requireStoreManager(context, alert.storeId);
  if (!alert.readAt) {
    alert.readAt = new Date();
    await context.em.flush();
  }
  return alert;
}
