import { badUserInput, notFound, requireOwnerOrAdmin, requireUuid } from '@commerce/kit';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Category } from '../category/category.entity.js';
import { imageUrls, optionalText, requiredText } from '../common/input-rules.js';
import type { CatalogContext } from '../context.js';
import { enqueueProductDeleted, enqueueVariantsCreated } from '../outbox/catalog-outbox.js';
import { ProductVariant } from '../product-variant/product-variant.entity.js';
import { refuseTakenSku } from '../product-variant/sku-conflict.js';
import { checkSiblings, checkVariant } from '../product-variant/variant-rules.js';
import { Store } from '../store/store.entity.js';
import { storeForChange } from '../store/store.service.js';
import { Product } from './product.entity.js';
import type { CreateProductInput, UpdateProductInput } from './product.inputs.js';

const NAME_MAX = 200;
const DESCRIPTION_MAX = 5000;
const BRAND_MAX = 100;
const MAX_VARIANTS = 100;

async function categoryOf(tx: EntityManager, categoryId: string): Promise<Category> {
  const category = await tx.findOne(Category, requireUuid(categoryId, 'categoryId'));
  if (!category) throw badUserInput(`Category ${categoryId} does not exist.`, 'categoryId');
  return category;
}

function checkCurrency(currency: string): string {
  if (!/^[A-Z]{3}$/.test(currency)) throw badUserInput('currency must be an ISO 4217 code such as KRW.', 'currency');
  return currency;
}

/**
 * Lists a product with its variants in one transaction, together with the 'variants-created' message
 * that registers them with inventory. The store is share-locked so it cannot be deleted meanwhile.
 */
export async function createProduct(context: CatalogContext, input: CreateProductInput): Promise<Product> {
  const storeId = requireUuid(input.storeId, 'storeId');
  const name = requiredText(input.name, 'name', NAME_MAX);
  const description = optionalText(input.description, 'description', DESCRIPTION_MAX) ?? null;
  const brand = optionalText(input.brand, 'brand', BRAND_MAX) ?? null;
  const images = imageUrls(input.imageUrls ?? []);
  const currency = checkCurrency(input.currency);
  if (input.variants.length < 1 || input.variants.length > MAX_VARIANTS) {
    throw badUserInput(`A product has 1 to ${MAX_VARIANTS} variants.`, 'variants');
  }
  const variants = input.variants.map((variant, index) => checkVariant(variant, `variants[${index}]`));
  checkSiblings(variants, 'variants');

  const product = await refuseTakenSku(
    () =>
      context.em.transactional(async (tx) => {
        const store = await storeForChange(context, tx, storeId, LockMode.PESSIMISTIC_READ);
        const category = input.categoryId ? await categoryOf(tx, input.categoryId) : null;
        const product = tx.create(Product, { store, category, name, description, brand, imageUrls: images });
        const created = variants.map((variant, position) => tx.create(ProductVariant, { ...variant, product, currency, position }));
        enqueueVariantsCreated(tx, { variants: created.map((variant) => ({ variantId: variant.id, storeId })) });
        return product;
      }),
    (sku) => `variants[${variants.findIndex((variant) => variant.sku === sku)}].sku`,
  );
  context.services.outbox.wake();
  return product;
}

/**
 * Loads a product for a change by its store's owner (or an admin), locking the product row so that
 * variant changes of one product run one after the other (the last variant cannot be removed twice).
 */
export async function productForChange(context: CatalogContext, tx: EntityManager, productId: string): Promise<Product> {
  const product = await tx.findOne(Product, productId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!product) throw notFound('Product', productId);
  const store = await tx.findOneOrFail(Store, product.store.id);
  requireOwnerOrAdmin(context, store.ownerId);
  return product;
}

export async function updateProduct(context: CatalogContext, idArg: string, input: UpdateProductInput): Promise<Product> {
  const id = requireUuid(idArg);
  const name = input.name == null ? undefined : requiredText(input.name, 'name', NAME_MAX);
  const description = optionalText(input.description, 'description', DESCRIPTION_MAX);
  const brand = optionalText(input.brand, 'brand', BRAND_MAX);
  const images = input.imageUrls == null ? undefined : imageUrls(input.imageUrls);
  return context.em.transactional(async (tx) => {
    const product = await productForChange(context, tx, id);
    if (name !== undefined) product.name = name;
    if (description !== undefined) product.description = description;
    if (brand !== undefined) product.brand = brand;
    if (images !== undefined) product.imageUrls = images;
    if (input.categoryId !== undefined) product.category = input.categoryId === null ? null : await categoryOf(tx, input.categoryId);
    return product;
  });
}

/**
 * Deletes a product; its variants, likes and sale prices go with it (foreign keys cascade). Members and
 * inventory hear of it through the outbox, in the same transaction: wishlists drop it, its variants' open
 * time-sales are withdrawn.
 */
export async function deleteProduct(context: CatalogContext, idArg: string): Promise<string> {
  const id = requireUuid(idArg);
  await context.em.transactional(async (tx) => {
    const product = await productForChange(context, tx, id);
    const variants = await tx.find(ProductVariant, { product: product.id }, { fields: ['id'] });
    await tx.nativeDelete(Product, { id: product.id });
    enqueueProductDeleted(tx, { productId: product.id, variantIds: variants.map((variant) => variant.id) });
  });
  context.services.outbox.wake();
  await context.services.lowestPrices.invalidate([id]);
  return id;
}
