import { enqueueOutbox, type OutboxHandler, type ServiceClient } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';

/** What catalog tells other subgraphs, recorded in the transaction of the change (see the kit's outbox). */
export const STORE_CREATED = 'store-created';
export const VARIANTS_CREATED = 'variants-created';
export const PRODUCT_DELETED = 'product-deleted';
export const VARIANT_REMOVED = 'variant-removed';

export interface StoreCreatedPayload {
  storeId: string;
  ownerId: string;
}

export interface VariantsCreatedPayload {
  variants: { variantId: string; storeId: string }[];
}

export interface ProductDeletedPayload {
  productId: string;
  variantIds: string[];
}

export const enqueueStoreCreated = (em: EntityManager, payload: StoreCreatedPayload) =>
  enqueueOutbox(em, STORE_CREATED, { ...payload });

export const enqueueVariantsCreated = (em: EntityManager, payload: VariantsCreatedPayload) =>
  enqueueOutbox(em, VARIANTS_CREATED, { ...payload });

export interface VariantRemovedPayload {
  variantId: string;
}

export const enqueueProductDeleted = (em: EntityManager, payload: ProductDeletedPayload) =>
  enqueueOutbox(em, PRODUCT_DELETED, { ...payload });

export const enqueueVariantRemoved = (em: EntityManager, payload: VariantRemovedPayload) =>
  enqueueOutbox(em, VARIANT_REMOVED, { ...payload });

const GRANT_SELLER_ROLE = `mutation GrantSellerRole($memberId: ID!) { grantSellerRole(memberId: $memberId) { id } }`;
const REGISTER_STORE = `mutation RegisterStore($storeId: ID!, $ownerId: ID!) { registerStore(storeId: $storeId, ownerId: $ownerId) }`;
const FORGET_PRODUCT = `mutation ForgetProduct($productId: ID!) { forgetProduct(productId: $productId) }`;
const RETIRE_VARIANTS = `mutation RetireVariants($variantIds: [ID!]!) { retireVariants(variantIds: $variantIds) }`;
const REGISTER_VARIANTS = `mutation RegisterVariants($variants: [RegisterVariantInput!]!) { registerVariants(variants: $variants) }`;

/**
 * Delivers catalog's outbox topics through the callees' internal mutations. A message is retried as a
 * whole when any call fails, so every callee must be idempotent (granting a role twice, registering a
 * store or variant twice, are no-ops there). Granting SELLER on every store, not just the first, keeps
 * the rule race-free: two first stores created at once still grant exactly the one role.
 */
export function catalogOutboxHandlers(
  call: ServiceClient,
  urls: { MEMBERS_URL: string; INVENTORY_URL: string },
): Record<string, OutboxHandler> {
  return {
    [STORE_CREATED]: async ({ storeId, ownerId }: StoreCreatedPayload) => {
      await call(urls.MEMBERS_URL, GRANT_SELLER_ROLE, { memberId: ownerId });
      await call(urls.INVENTORY_URL, REGISTER_STORE, { storeId, ownerId });
    },
    [VARIANTS_CREATED]: async ({ variants }: VariantsCreatedPayload) => {
      await call(urls.INVENTORY_URL, REGISTER_VARIANTS, { variants });
    },
    // Inventory withdraws the variants' open time-sales (first: a sale of a deleted product must stop even while
    // members is down) and drops their alerts; wishlists drop the product. Carts and orders need no message:
    // orders reads a cart's variants from the catalog (an unknown one shows as no longer sold) and an order line
    // keeps its own name and SKU.
    [PRODUCT_DELETED]: async ({ productId, variantIds }: ProductDeletedPayload) => {
      await call(urls.INVENTORY_URL, RETIRE_VARIANTS, { variantIds });
      await call(urls.MEMBERS_URL, FORGET_PRODUCT, { productId });
    },
    [VARIANT_REMOVED]: async ({ variantId }: VariantRemovedPayload) => {
      await call(urls.INVENTORY_URL, RETIRE_VARIANTS, { variantIds: [variantId] });
    },
  };
}
