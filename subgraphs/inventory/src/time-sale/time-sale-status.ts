import { registerEnumType } from 'type-graphql';

export enum TimeSaleStatus {
  SCHEDULED = 'SCHEDULED',
  ACTIVE = 'ACTIVE',
  ENDED = 'ENDED',
}

registerEnumType(TimeSaleStatus, {
  name: 'TimeSaleStatus',
  description: "Where a time-sale stands against the clock.",
  valuesConfig: {
    SCHEDULED: { description: 'The window has not opened yet.' },
    ACTIVE: { description: 'The window is open: units can be claimed.' },
    ENDED: { description: 'The window has closed.' },
  },
});

/** The window is half-open, [startsAt, endsAt): at endsAt exactly the sale has ended. */
export function timeSaleStatusAt(window: { startsAt: Date; endsAt: Date }, now: Date): TimeSaleStatus {
  if (now < window.startsAt) return TimeSaleStatus.SCHEDULED;
  if (now < window.endsAt) return TimeSaleStatus.ACTIVE;
  return TimeSaleStatus.ENDED;
}
