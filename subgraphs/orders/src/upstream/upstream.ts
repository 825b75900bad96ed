import { createServiceClient, type ServiceClient } from '@commerce/kit';
import type { OrdersConfig } from '../config.js';

/** A variant as catalog describes it for checkout (internal `checkoutVariants`). */
export interface CheckoutVariant {
  variantId: string;
  productId: string;
  storeId: string;
  categoryId: string | null;
  sku: string;
  price: number;
  currency: string;
  inStock: boolean;
  name: string;
  optionsDigest: string;
}

export interface TimeSaleClaim {
  claimId: string;
  saleId: string;
  memberId: string;
  variantId: string;
  quantity: number;
  unitPrice: number;
  currency: string;
  expiresAt: string;
  status: 'HELD' | 'CONSUMED' | 'EXPIRED' | 'RELEASED';
}

export interface CouponLine {
  variantId: string;
  productId: string;
  storeId: string;
  categoryId: string | null;
  unitPrice: number;
  quantity: number;
}

export type Refusal = { refused: true; code: string; message: string };
const refusal = (code: string, message: string): Refusal => ({ refused: true, code, message });

/**
 * The other subgraphs' internal operations, called directly on their URLs as service "orders".
 * Every call here is idempotent on the callee's side (keyed by the order id), so the saga may repeat it.
 */
export class Upstream {
  readonly call: ServiceClient;

  constructor(private readonly config: OrdersConfig) {
    this.call = createServiceClient({ service: 'orders', secret: config.GATEWAY_SHARED_SECRET, timeoutMs: 10_000 });
  }

  async checkoutVariants(ids: string[]): Promise<Map<string, CheckoutVariant>> {
    if (ids.length === 0) return new Map();
    const data = await this.call<{ checkoutVariants: CheckoutVariant[] }>(
      this.config.CATALOG_URL,
      `query ($ids: [ID!]!) { checkoutVariants(ids: $ids) {
        variantId productId storeId categoryId sku price currency inStock name optionsDigest } }`,
      { ids },
    );
    return new Map(data.checkoutVariants.map((variant) => [variant.variantId, variant]));
  }

  /**
   * Units of each variant inventory could sell now (its `available`: on hand minus reserved). Catalog's in-stock
   * flag says only whether there is at least one, so a cart line wanting more than there is needs this count.
   * Read through inventory's entity resolution, the way the gateway reads `ProductVariant.stock`: the numbers
   * are public, so no internal operation is needed for them.
   */
  async availableUnits(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const data = await this.call<{ _entities: ({ id: string; stock: { available: number } | null } | null)[] }>(
      this.config.INVENTORY_URL,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { id stock { available } } } }',
      { r: ids.map((id) => ({ __typename: 'ProductVariant', id })) },
    );
    return new Map(data._entities.flatMap((entity) => (entity?.stock ? [[entity.id, entity.stock.available] as const] : [])));
  }

  /** The owner of a catalog store, asked at call time (ownership can change; orders keeps no copy to go stale). */
  async storeOwner(storeId: string): Promise<string | null> {
    const data = await this.call<{ store: { owner: { id: string } } | null }>(
      this.config.CATALOG_URL,
      'query ($id: ID!) { store(id: $id) { owner { id } } }',
      { id: storeId },
    ).catch((error: { extensions?: { code?: string } }) => {
      if (error.extensions?.code === 'NOT_FOUND') return { store: null };
      throw error;
    });
    return data.store?.owner.id ?? null;
  }

  async memberCanPurchase(memberId: string): Promise<boolean> {
    const data = await this.call<{ memberCanPurchase: boolean }>(
      this.config.MEMBERS_URL,
      'query ($id: ID!) { memberCanPurchase(memberId: $id) }',
      { id: memberId },
    );
    return data.memberCanPurchase;
  }

  async reserveStock(key: string, lines: { variantId: string; quantity: number }[], ttlSeconds: number): Promise<true | Refusal> {
    const data = await this.call<{ reserveStock: { __typename: string; code?: string; message?: string; status?: string } }>(
      this.config.INVENTORY_URL,
      `mutation ($key: String!, $lines: [StockLineInput!]!, $ttl: Int) { reserveStock(key: $key, lines: $lines, ttlSeconds: $ttl) {
        __typename ... on StockReservation { status } ... on OutOfStock { code message } } }`,
      { key, lines, ttl: ttlSeconds },
    );
    const result = data.reserveStock;
    if (result.__typename === 'OutOfStock') return refusal('OUT_OF_STOCK', result.message!);
    // A key released earlier (a late retry after compensation) comes back RELEASED: it holds nothing.
    if (result.status !== 'HELD' && result.status !== 'COMMITTED') return refusal('OUT_OF_STOCK', `The stock hold is ${result.status}.`);
    return true;
  }

  async commitStock(key: string): Promise<boolean> {
    const data = await this.call<{ commitStockReservation: boolean }>(
      this.config.INVENTORY_URL,
      'mutation ($key: String!) { commitStockReservation(key: $key) }',
      { key },
    );
    return data.commitStockReservation;
  }

  async releaseStock(key: string): Promise<boolean> {
    const data = await this.call<{ releaseStockReservation: boolean }>(
      this.config.INVENTORY_URL,
      'mutation ($key: String!) { releaseStockReservation(key: $key) }',
      { key },
    );
    return data.releaseStockReservation;
  }

  /** Puts a cancelled or refunded order's units back on hand; inventory acts once per key. */
  async returnStock(key: string, lines: { variantId: string; quantity: number }[], reason: string): Promise<boolean> {
    const data = await this.call<{ returnStock: boolean }>(
      this.config.INVENTORY_URL,
      'mutation ($key: String!, $lines: [StockLineInput!]!, $reason: String!) { returnStock(key: $key, lines: $lines, reason: $reason) }',
      { key, lines, reason },
    );
    return data.returnStock;
  }

  async reservePoints(memberId: string, orderId: string, amount: number): Promise<true | Refusal> {
    const data = await this.call<{ reservePoints: { __typename: string; code?: string; message?: string } }>(
      this.config.MEMBERS_URL,
      `mutation ($memberId: ID!, $orderId: ID!, $amount: Int!) { reservePoints(memberId: $memberId, orderId: $orderId, amount: $amount) {
        __typename ... on InsufficientPoints { code message } } }`,
      { memberId, orderId, amount },
    );
    const result = data.reservePoints;
    return result.__typename === 'InsufficientPoints' ? refusal('INSUFFICIENT_POINTS', result.message!) : true;
  }

  async confirmPoints(orderId: string): Promise<void> {
    await this.call(this.config.MEMBERS_URL, 'mutation ($id: ID!) { confirmPointReservation(orderId: $id) { status } }', { id: orderId });
  }

  async releasePoints(orderId: string): Promise<void> {
    await this.call(this.config.MEMBERS_URL, 'mutation ($id: ID!) { releasePointReservation(orderId: $id) { status } }', { id: orderId });
  }

  /** Gives back the points a paid order used; members never refunds more than the order's reservation took. */
  async refundPoints(orderId: string, amount: number, idempotencyKey: string): Promise<void> {
    await this.call(
      this.config.MEMBERS_URL,
      'mutation ($id: ID!, $a: Int!, $k: String!) { refundPointReservation(orderId: $id, amount: $a, idempotencyKey: $k) { id } }',
      { id: orderId, a: amount, k: idempotencyKey },
    );
  }

  async reserveCoupon(
    issuedCouponId: string,
    memberId: string,
    orderKey: string,
    lines: CouponLine[],
  ): Promise<{ discount: number; currency: string; templateId: string } | Refusal> {
    const data = await this.call<{
      reserveCoupon: { __typename: string; code?: string; message?: string; discount?: { amount: number; currency: string }; templateId?: string };
    }>(
      this.config.COUPONS_URL,
      `mutation ($c: ID!, $m: ID!, $k: String!, $lines: [CouponLineInput!]!) {
        reserveCoupon(issuedCouponId: $c, memberId: $m, orderKey: $k, lines: $lines) {
          __typename ... on CouponReservation { discount { amount currency } templateId } ... on CouponNotApplicable { code message } } }`,
      { c: issuedCouponId, m: memberId, k: orderKey, lines },
    );
    const result = data.reserveCoupon;
    if (result.__typename !== 'CouponReservation') return refusal('COUPON_NOT_APPLICABLE', result.message ?? 'The coupon does not apply.');
    return { discount: result.discount!.amount, currency: result.discount!.currency, templateId: result.templateId! };
  }

  async confirmCoupon(orderKey: string): Promise<boolean> {
    const data = await this.call<{ confirmCouponReservation: boolean }>(
      this.config.COUPONS_URL,
      'mutation ($k: String!) { confirmCouponReservation(orderKey: $k) }',
      { k: orderKey },
    );
    return data.confirmCouponReservation;
  }

  async releaseCoupon(orderKey: string): Promise<boolean> {
    const data = await this.call<{ releaseCouponReservation: boolean }>(
      this.config.COUPONS_URL,
      'mutation ($k: String!) { releaseCouponReservation(orderKey: $k) }',
      { k: orderKey },
    );
    return data.releaseCouponReservation;
  }

  async timeSaleClaim(claimId: string): Promise<TimeSaleClaim | null> {
    const data = await this.call<{ timeSaleClaimForCheckout: TimeSaleClaim | null }>(
      this.config.INVENTORY_URL,
      `query ($id: ID!) { timeSaleClaimForCheckout(claimId: $id) {
        claimId saleId memberId variantId quantity unitPrice currency expiresAt status } }`,
      { id: claimId },
    );
    return data.timeSaleClaimForCheckout;
  }

  async consumeClaim(claimId: string, orderKey: string): Promise<boolean> {
    const data = await this.call<{ consumeTimeSaleClaim: boolean }>(
      this.config.INVENTORY_URL,
      'mutation ($id: ID!, $k: String!) { consumeTimeSaleClaim(claimId: $id, orderKey: $k) }',
      { id: claimId, k: orderKey },
    );
    return data.consumeTimeSaleClaim;
  }

  async releaseClaim(claimId: string): Promise<boolean> {
    const data = await this.call<{ releaseTimeSaleClaim: boolean }>(
      this.config.INVENTORY_URL,
      'mutation ($id: ID!) { releaseTimeSaleClaim(claimId: $id) }',
      { id: claimId },
    );
    return data.releaseTimeSaleClaim;
  }

  /** USED → AVAILABLE (or EXPIRED) for a cancelled or refunded order's coupon; false when nothing is used under the key. */
  async restoreCoupon(orderKey: string): Promise<boolean> {
    const data = await this.call<{ restoreCoupon: boolean }>(this.config.COUPONS_URL, 'mutation ($k: String!) { restoreCoupon(orderKey: $k) }', { k: orderKey });
    return data.restoreCoupon;
  }
}
