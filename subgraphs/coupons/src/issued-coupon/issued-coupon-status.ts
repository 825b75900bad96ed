import { registerEnumType } from 'type-graphql';

export enum IssuedCouponStatus {
  AVAILABLE = 'AVAILABLE',
  RESERVED = 'RESERVED',
  USED = 'USED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(IssuedCouponStatus, {
  name: 'IssuedCouponStatus',
  description: "Where a member's coupon stands.",
  valuesConfig: {
    AVAILABLE: { description: 'Can be used at checkout.' },
    RESERVED: { description: 'Held by an order being placed; comes back if that order fails.' },
    USED: { description: 'Used by an order.' },
    EXPIRED: { description: 'Past its expiry without being used.' },
  },
});

/** How a coupon reached the member. */
export enum IssuedCouponSource {
  CLAIM = 'CLAIM',
  CODE = 'CODE',
  GRANT = 'GRANT',
}
