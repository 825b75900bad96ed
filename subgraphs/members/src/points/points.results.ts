import { ErrorResult, Money } from '@commerce/kit';
import { createUnionType, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { PointEntry } from './point-entry.entity.js';

@ObjectType({ implements: ErrorResult, description: 'The balance is smaller than the amount asked for.' })
export class InsufficientPoints extends ErrorResult {
  override code = 'INSUFFICIENT_POINTS';

  @Field(() => Money, { description: 'The balance at the time of the attempt.' })
  balance!: Money;
}

export enum PointReservationStatus {
  RESERVED = 'RESERVED',
  CONFIRMED = 'CONFIRMED',
  RELEASED = 'RELEASED',
}
registerEnumType(PointReservationStatus, {
  name: 'PointReservationStatus',
  description: 'Where a hold of points for an order stands.',
  valuesConfig: {
    RESERVED: { description: 'Held: deducted from the balance, not yet final.' },
    CONFIRMED: { description: 'Used by the order.' },
    RELEASED: { description: 'Given back; the order did not go through.' },
  },
});

@ObjectType({ description: 'Points held for one order (order saga).' })
export class PointReservation {
  @Field(() => ID, { description: 'The order the points are held for.' })
  orderId!: string;

  @Field(() => ID, { description: 'Whose points.' })
  memberId!: string;

  @Field(() => Money, { description: 'How many points are held.' })
  amount!: Money;

  @Field(() => PointReservationStatus, { description: 'Where the hold stands.' })
  status!: PointReservationStatus;
}

export const SpendPointsResult = createUnionType({
  name: 'SpendPointsResult',
  description: 'The ledger entry of the spend, or why it was refused.',
  types: () => [PointEntry, InsufficientPoints] as const,
});

export const ReservePointsResult = createUnionType({
  name: 'ReservePointsResult',
  description: 'The hold, or why it was refused.',
  types: () => [PointReservation, InsufficientPoints] as const,
});
