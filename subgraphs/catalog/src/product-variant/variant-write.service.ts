import { conflict, notFound, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CatalogContext } from '../context.js';
import { enqueueVariantRemoved, enqueueVariantsCreated } from '../outbox/catalog-outbox.js';
import { productForChange } from '../product/product-write.service.js';
import type { Product } from '../product/product.entity.js';
import { ProductVariant } from './product-variant.entity.js';
import type { ProductVariantInput, UpdateProductVariantInput } from './product-variant.inputs.js';
import { refuseTakenSku } from './sku-conflict.js';
import { checkAmongSiblings, checkOptions, checkSku, checkVariant, unitPrice } from './variant-rules.js';

const MAX_VARIANTS = 100;

const siblingsOf = (tx: EntityManager, product: Product) =>
  tx.find(ProductVariant, { product }, { orderBy: { position: 'asc', id: 'asc' } });

/** Adds a variant at the end of a product's list and registers it with inventory (same transaction). */
export async function addProductVariant(context: CatalogContext, productIdArg: string, input: ProductVariantInput): Promise<ProductVariant> {
  const productId = requireUuid(productIdArg, 'productId');
  const checked = checkVariant(input, 'input');
  const variant = await refuseTakenSku(
    () =>
      context.em.transactional(async (tx) => {
        const product = await productForChange(context, tx, productId);
        const siblings = await siblingsOf(tx, product);
        if (siblings.length >= MAX_VARIANTS) throw conflict(`A product has at most ${MAX_VARIANTS} variants.`);
        checkAmongSiblings(checked, siblings, 'input');
        const variant = tx.create(ProductVariant, {
          ...checked,
          product,
          // One currency per product keeps lowestPrice and price filters meaningful.
          currency: siblings[0]?.currency ?? 'KRW',
          position: (siblings.at(-1)?.position ?? -1) + 1,
        });
        enqueueVariantsCreated(tx, { variants: [{ variantId: variant.id, storeId: product.store.id }] });
        return variant;
      }),
    () => 'input.sku',
  );
  context.services.outbox.wake();
  await context.services.lowestPrices.invalidate([productId]);
  return variant;
}

async function variantForChange(context: CatalogContext, tx: EntityManager, variantId: string) {
  const found = await tx.findOne(ProductVariant, variantId);
  if (!found) throw notFound('ProductVariant', variantId);
  const product = await productForChange(context, tx, found.product.id);
  return { variant: found, product };
}

/** Changes a variant's SKU, options or price; a price change drops the product's cached lowest price. */
export async function updateProductVariant(
  context: CatalogContext,
  idArg: string,
  input: UpdateProductVariantInput,
): Promise<ProductVariant> {
  const id = requireUuid(idArg);
  const sku = input.sku == null ? undefined : checkSku(input.sku, 'input.sku');
  const options = input.options == null ? undefined : checkOptions(input.options, 'input.options');
  const price = input.price == null ? undefined : unitPrice(input.price, 'input.price');
  const { variant, productId } = await refuseTakenSku(
    () =>
      context.em.transactional(async (tx) => {
        const { variant, product } = await variantForChange(context, tx, id);
        const siblings = await siblingsOf(tx, product);
        if (sku !== undefined) variant.sku = sku;
        if (options !== undefined) variant.options = options;
        if (price !== undefined) variant.priceAmount = price;
        checkAmongSiblings(variant, siblings.filter((sibling) => sibling !== variant), 'input');
        return { variant, productId: product.id };
      }),
    () => 'input.sku',
  );
  if (price !== undefined) await context.services.lowestPrices.invalidate([productId]);
  return variant;
}

/** Removes a variant; the last one cannot go (delete the product instead). Inventory hears of it through the outbox. */
export async function removeProductVariant(context: CatalogContext, idArg: string): Promise<string> {
  const id = requireUuid(idArg);
  const productId = await context.em.transactional(async (tx) => {
    const { variant, product } = await variantForChange(context, tx, id);
    const siblings = await siblingsOf(tx, product);
    if (siblings.length <= 1) throw conflict('A product keeps at least one variant; delete the product instead.');
    tx.remove(variant);
    enqueueVariantRemoved(tx, { variantId: variant.id });
    return product.id;
  });
  context.services.outbox.wake();
  await context.services.lowestPrices.invalidate([productId]);
  return id;
}
