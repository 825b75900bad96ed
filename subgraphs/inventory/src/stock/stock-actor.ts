import type { Viewer } from '@commerce/kit';

/** Who caused a stock movement, for the ledger: a member, or a service when no member did. */
export interface StockActor {
  memberId: string | null;
  service: string | null;
}

export const actorOf = (viewer: Viewer): StockActor => ({
  memberId: viewer.memberId,
  service: viewer.memberId ? null : viewer.service,
});

/** Inventory itself, e.g. when a reservation expires. */
export const SYSTEM_ACTOR: StockActor = { memberId: null, service: 'inventory' };
