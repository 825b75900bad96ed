import { registerEnumType } from 'type-graphql';

export enum TimeSaleStatus {
  SCHEDULED = 'SCHEDULED',
  ACTIVE = 'ACTIVE',
  ENDED = 'ENDED',
  PAUSED = 'PAUSED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(TimeSaleStatus, {
  name: 'TimeSaleStatus',
  description: 'Where a time-sale stands.',
  valuesConfig: {
    SCHEDULED: { description: 'The window has not opened yet.' },
    ACTIVE: { description: 'The window is open: units can be claimed.' },
    ENDED: { description: 'The window has closed.' },
    PAUSED: { description: 'Inside its window, but claims wait while the sale is restored from PostgreSQL.' },
    CANCELLED: { description: 'Withdrawn by its seller or an admin; held claims may still check out.' },
  },
});

/** The window is half-open, [startsAt, endsAt): at endsAt exactly the sale has ended. */
export function timeSaleStatusAt(window: { startsAt: Date; endsAt: Date }, now: Date): TimeSaleStatus {
  if (now < window.startsAt) return TimeSaleStatus.SCHEDULED;
  if (now < window.endsAt) return TimeSaleStatus.ACTIVE;
  return TimeSaleStatus.ENDED;
}

/**
 * The status clients see: cancelled first; then, inside the window, PAUSED when Redis holds no state
 * for an unsettled sale (claims would answer SALE_PAUSED); otherwise by the clock.
 */
export function timeSaleStatus(
  sale: { startsAt: Date; endsAt: Date; cancelledAt: Date | null; settledAt: Date | null },
  redis: { present: boolean; cancelled: boolean },
  now: Date,
): TimeSaleStatus {
  if (sale.cancelledAt || redis.cancelled) return TimeSaleStatus.CANCELLED;
  const byClock = timeSaleStatusAt(sale, now);
  if (byClock === TimeSaleStatus.ACTIVE && !redis.present && !sale.settledAt) return TimeSaleStatus.PAUSED;
  return byClock;
}
