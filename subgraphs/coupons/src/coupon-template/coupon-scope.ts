import { registerEnumType } from 'type-graphql';

export enum CouponScope {
  ALL = 'ALL',
  STORE = 'STORE',
  CATEGORY = 'CATEGORY',
  PRODUCTS = 'PRODUCTS',
}

registerEnumType(CouponScope, {
  name: 'CouponScope',
  description: 'Which order lines a coupon applies to; scopeIds names the stores, categories or products.',
  valuesConfig: {
    ALL: { description: 'Every line of the order; scopeIds is empty.' },
    STORE: { description: 'Lines sold by the stores listed in scopeIds.' },
    CATEGORY: { description: 'Lines whose product is in one of the categories listed in scopeIds.' },
    PRODUCTS: { description: 'Lines of the products listed in scopeIds.' },
  },
});
