import { Field, ID, InputType, Int } from 'type-graphql';
import { CouponKind } from './coupon-kind.js';
import { CouponScope } from './coupon-scope.js';

@InputType({ description: 'The terms of a new coupon template; amounts in KRW (integer won).' })
export class CreateCouponTemplateInput {
  @Field({ description: 'Name shown to members, 1 to 100 characters.' })
  name!: string;

  @Field(() => CouponKind, { description: 'Fixed amount or percentage.' })
  kind!: CouponKind;

  @Field(() => Int, { description: 'FIXED: the amount off (> 0); PERCENT: 1 to 100.' })
  value!: number;

  @Field(() => Int, { nullable: true, description: 'PERCENT only: the most it takes off; null for uncapped.' })
  maxDiscount?: number | null;

  @Field(() => Int, { nullable: true, description: 'Smallest total of in-scope lines the coupon applies to; default 0.' })
  minOrderAmount?: number | null;

  @Field(() => CouponScope, { description: 'Which lines it applies to.' })
  scope!: CouponScope;

  @Field(() => [ID], { nullable: true, description: 'The stores, categories or products of the scope; empty for ALL.' })
  scopeIds?: string[] | null;

  @Field({ description: 'When it starts to apply (and can be claimed).' })
  validFrom!: Date;

  @Field(() => Date, { nullable: true, description: 'When it stops applying; null for never.' })
  validTo?: Date | null;

  @Field(() => Int, { nullable: true, description: 'How many may be claimed or redeemed in all; null for no limit. Admin grants are not counted.' })
  totalLimit?: number | null;

  @Field(() => Int, { nullable: true, description: 'How many one member may claim or redeem; default 1.' })
  perMemberLimit?: number | null;

  @Field(() => String, { nullable: true, description: 'A code members redeem it with (4 to 32 letters, digits or dashes, any case); null for a claimable coupon.' })
  code?: string | null;
}
