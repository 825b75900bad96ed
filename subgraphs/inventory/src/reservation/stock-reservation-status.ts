import { registerEnumType } from 'type-graphql';

/** Where a stock reservation stands; every state but HELD is final. */
export enum StockReservationStatus {
  HELD = 'HELD',
  COMMITTED = 'COMMITTED',
  RELEASED = 'RELEASED',
  EXPIRED = 'EXPIRED',
  /** The reservation was refused (out of stock); kept so a repeated call gets the same answer. */
  REJECTED = 'REJECTED',
}

registerEnumType(StockReservationStatus, {
  name: 'StockReservationStatus',
  description: 'Where a stock reservation stands (internal).',
  valuesConfig: {
    HELD: { description: 'The units are set aside until the reservation is committed, released or expires.' },
    COMMITTED: { description: 'The units were sold.' },
    RELEASED: { description: 'The units were given back on request.' },
    EXPIRED: { description: 'Neither committed nor released in time: the units were given back.' },
    REJECTED: { description: 'Refused because a line was out of stock; nothing was set aside.' },
  },
});
