import { Money } from '@commerce/kit';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CatalogContext } from '../context.js';
import { Product } from '../product/product.entity.js';
import { ProductVariant } from './product-variant.entity.js';
import { ProductVariantInput, UpdateProductVariantInput } from './product-variant.inputs.js';
import { getProductVariant } from './product-variant.service.js';
import { addProductVariant, removeProductVariant, updateProductVariant } from './variant-write.service.js';

@Resolver(() => ProductVariant)
export class ProductVariantResolver {
  @Query(() => ProductVariant, { description: 'One product variant by ID; NOT_FOUND when there is none.' })
  productVariant(@Arg('id', () => ID, { description: 'The variant ID.' }) id: string, @Ctx() context: CatalogContext) {
    return getProductVariant(context, id);
  }

  @Authorized()
  @Mutation(() => ProductVariant, { description: "Adds a variant at the end of a product's list; only the store's owner or an admin may." })
  addProductVariant(
    @Arg('productId', () => ID, { description: 'The product to add it to.' }) productId: string,
    @Arg('input', { description: 'The new variant.' }) input: ProductVariantInput,
    @Ctx() context: CatalogContext,
  ) {
    return addProductVariant(context, productId, input);
  }

  @Authorized()
  @Mutation(() => ProductVariant, { description: "Changes a variant's SKU, options or price; only the store's owner or an admin may." })
  updateProductVariant(
    @Arg('id', () => ID, { description: 'The variant to change.' }) id: string,
    @Arg('input', { description: 'The changes.' }) input: UpdateProductVariantInput,
    @Ctx() context: CatalogContext,
  ) {
    return updateProductVariant(context, id, input);
  }

  @Authorized()
  @Mutation(() => ID, { description: 'Removes a variant (never the last one) and answers its ID; only the store’s owner or an admin may.' })
  removeProductVariant(@Arg('id', () => ID, { description: 'The variant to remove.' }) id: string, @Ctx() context: CatalogContext) {
    return removeProductVariant(context, id);
  }

  @FieldResolver(() => Money, { description: 'Regular unit price of this variant.' })
  price(@Root() variant: ProductVariant): Money {
    return Money.of(variant.priceAmount, variant.currency);
  }

  @FieldResolver(() => Money, { nullable: true, description: 'The time-sale price that applies now, if a sale is running; null otherwise.' })
  async activeSalePrice(@Root() variant: ProductVariant, @Ctx() { loaders }: CatalogContext): Promise<Money | null> {
    const amount = await loaders.activeSalePriceOfVariant.load(variant.id);
    return amount === null ? null : Money.of(amount, variant.currency);
  }

  @FieldResolver(() => Product, { description: 'The product this is a variant of.' })
  product(@Root() variant: ProductVariant, @Ctx() { loaders }: CatalogContext) {
    return loaders.productById.load(variant.product.id);
  }
}
