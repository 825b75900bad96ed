import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class SpendPointsArgs {
  @Field(() => ID, { description: 'Whose points.' })
  memberId!: string;

  @Field(() => Int, { description: 'Points to spend (KRW), at least 1.' })
  amount!: number;

  @Field({ description: 'Repeating a key returns the first result and changes nothing.' })
  idempotencyKey!: string;

  @Field(() => String, { nullable: true, description: 'A note the member sees in their history.' })
  memo?: string | null;
}

@ArgsType()
export class RefundPointsArgs {
  @Field(() => ID, { description: 'Whose points.' })
  memberId!: string;

  @Field(() => ID, { description: 'The SPEND entry, or the RESERVE entry of a confirmed reservation, to give back.' })
  entryId!: string;

  @Field(() => Int, { description: 'Points to give back; all refunds of one entry add up to at most its amount.' })
  amount!: number;

  @Field({ description: 'Repeating a key returns the first result and changes nothing.' })
  idempotencyKey!: string;
}

@ArgsType()
export class ReservePointsArgs {
  @Field(() => ID, { description: 'The buyer.' })
  memberId!: string;

  @Field(() => ID, { description: 'The order; reserving again for it returns the first hold.' })
  orderId!: string;

  @Field(() => Int, { description: 'Points to hold (KRW), at least 1.' })
  amount!: number;
}

@ArgsType()
export class RefundPointReservationArgs {
  @Field(() => ID, { description: 'The paid order whose confirmed reservation is given back.' })
  orderId!: string;

  @Field(() => Int, { description: 'Points to give back, at least 1; clamped to what is left of the reservation.' })
  amount!: number;

  @Field({ description: 'Repeating a key returns the first result and changes nothing, e.g. `refund:<order id>`.' })
  idempotencyKey!: string;
}
