import { registerEnumType } from 'type-graphql';

export enum CouponKind {
  FIXED = 'FIXED',
  PERCENT = 'PERCENT',
}

registerEnumType(CouponKind, {
  name: 'CouponKind',
  description: 'How a coupon computes its discount.',
  valuesConfig: {
    FIXED: { description: 'A fixed amount off, in minor units of the coupon currency.' },
    PERCENT: { description: 'A percentage of the eligible amount off, optionally capped by maxDiscount.' },
  },
});
