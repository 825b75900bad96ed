import { Money } from '@commerce/kit';
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { CatalogContext } from '../context.js';
import { Product } from '../product/product.entity.js';
import { ProductVariant } from './product-variant.entity.js';
import { getProductVariant } from './product-variant.service.js';

@Resolver(() => ProductVariant)
export class ProductVariantResolver {
  @Query(() => ProductVariant, { description: 'One product variant by ID; NOT_FOUND when there is none.' })
  productVariant(@Arg('id', () => ID, { description: 'The variant ID.' }) id: string, @Ctx() context: CatalogContext) {
    return getProductVariant(context, id);
  }

  @FieldResolver(() => Money, { description: 'Unit price of this variant.' })
  price(@Root() variant: ProductVariant): Money {
    return Money.of(variant.priceAmount, variant.currency);
  }

  @FieldResolver(() => Product, { description: 'The product this is a variant of.' })
  product(@Root() variant: ProductVariant, @Ctx() { loaders }: CatalogContext) {
    return loaders.productById.load(variant.product.id);
  }
}
