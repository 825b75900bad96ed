import { demoId } from '@commerce/kit';

/**
 * The demo shop, described once. Each subgraph seeds only its own part (members its members, catalog
 * its stores and products, inventory the stock…) and refers to the others' rows through the same
 * deterministic `demoId`s, so no subgraph reads another's tables.
 */

export const DEMO_CURRENCY = 'KRW';

export interface DemoMember {
  key: string;
  email: string;
  name: string;
  seller: boolean;
}

export const demoMembers: DemoMember[] = [
  { key: 'member:mina', email: 'mina@demo.commerce', name: 'Mina Seo', seller: true },
  { key: 'member:joon', email: 'joon@demo.commerce', name: 'Joon Park', seller: true },
  { key: 'member:alice', email: 'alice@demo.commerce', name: 'Alice Kim', seller: false },
  { key: 'member:bob', email: 'bob@demo.commerce', name: 'Bob Lee', seller: false },
];

export const demoCategories = [
  { key: 'category:apparel', name: 'Apparel', slug: 'apparel' },
  { key: 'category:outdoor', name: 'Outdoor', slug: 'outdoor' },
  { key: 'category:home', name: 'Home', slug: 'home' },
];

export const demoStores = [
  { key: 'store:mina-atelier', name: 'Mina Atelier', description: 'Linen clothing sewn in Seoul.', owner: 'member:mina' },
  { key: 'store:joon-gear', name: 'Joon Gear', description: 'Camping and hiking gear.', owner: 'member:joon' },
];

export interface DemoVariant {
  key: string;
  sku: string;
  options: { name: string; value: string }[];
  /** KRW, which has no minor unit. */
  price: number;
  onHand: number;
  lowStockThreshold: number;
}

export interface DemoProduct {
  key: string;
  store: string;
  category: string;
  name: string;
  brand: string;
  description: string;
  variants: DemoVariant[];
}

const sizes = (productKey: string, skuStem: string, price: number, onHand: number): DemoVariant[] =>
  ['S', 'M', 'L'].map((size) => ({
    key: `variant:${productKey}-${size.toLowerCase()}`,
    sku: `${skuStem}-${size}`,
    options: [{ name: 'size', value: size }],
    price,
    onHand,
    lowStockThreshold: 5,
  }));

export const demoProducts: DemoProduct[] = [
  {
    key: 'product:linen-shirt',
    store: 'store:mina-atelier',
    category: 'category:apparel',
    name: 'Linen Shirt',
    brand: 'Mina Atelier',
    description: 'A breathable shirt of washed linen for hot summer days.',
    variants: sizes('linen-shirt', 'MA-LS', 59_000, 40),
  },
  {
    key: 'product:linen-trousers',
    store: 'store:mina-atelier',
    category: 'category:apparel',
    name: 'Linen Trousers',
    brand: 'Mina Atelier',
    description: 'Relaxed wide trousers in the same washed linen.',
    variants: sizes('linen-trousers', 'MA-LT', 69_000, 25),
  },
  {
    key: 'product:camp-chair',
    store: 'store:joon-gear',
    category: 'category:outdoor',
    name: 'Folding Camp Chair',
    brand: 'Joon Gear',
    description: 'A light aluminium chair that folds into its own bag.',
    variants: [
      { key: 'variant:camp-chair-olive', sku: 'JG-CC-OLV', options: [{ name: 'color', value: 'olive' }], price: 45_000, onHand: 120, lowStockThreshold: 10 },
      { key: 'variant:camp-chair-sand', sku: 'JG-CC-SND', options: [{ name: 'color', value: 'sand' }], price: 45_000, onHand: 8, lowStockThreshold: 10 },
    ],
  },
  {
    key: 'product:enamel-mug',
    store: 'store:joon-gear',
    category: 'category:home',
    name: 'Enamel Mug',
    brand: 'Joon Gear',
    description: 'A 350 ml enamel mug for the campfire and the kitchen.',
    variants: [
      { key: 'variant:enamel-mug-white', sku: 'JG-EM-WHT', options: [{ name: 'color', value: 'white' }], price: 12_000, onHand: 300, lowStockThreshold: 20 },
    ],
  },
];

export const demoVariants = demoProducts.flatMap((product) => product.variants.map((variant) => ({ ...variant, product })));

export const demoCouponTemplates = [
  { key: 'coupon:welcome', name: 'Welcome 3,000 won off', kind: 'FIXED' as const, value: 3_000, maxDiscount: null, minOrderAmount: 20_000, code: 'WELCOME' },
  { key: 'coupon:ten-percent', name: '10% off, up to 5,000 won', kind: 'PERCENT' as const, value: 10, maxDiscount: 5_000, minOrderAmount: 0, code: null },
];

/** A time-sale that opens tomorrow at 10:00 UTC for one hour. */
export function demoTimeSale(now = new Date()) {
  const startsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 10));
  return {
    key: 'timesale:linen-shirt-m',
    variant: 'variant:linen-shirt-m',
    price: 39_000,
    quantity: 10,
    perMemberLimit: 1,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 60 * 60 * 1000),
  };
}

/** Alice's paid order, of one store (as every order), with her welcome coupon (which the coupons seed marks used). */
export const demoOrder = {
  key: 'order:alice-1',
  number: 'D-000001',
  buyer: 'member:alice',
  store: 'store:joon-gear',
  coupon: 'coupon:welcome',
  lines: [
    { variant: 'variant:camp-chair-olive', quantity: 1, unitPrice: 45_000 },
    { variant: 'variant:enamel-mug-white', quantity: 2, unitPrice: 12_000 },
  ],
};

/** The issued coupon a demo member holds of a demo template (see the coupons seed). */
export const demoIssuedCouponKey = (templateKey: string, memberKey: string) => `issued:${templateKey}:${memberKey}`;

export { demoId };
