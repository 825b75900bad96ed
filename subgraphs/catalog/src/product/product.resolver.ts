import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Category } from '../category/category.entity.js';
import { PageArgs } from '../common/page.args.js';
import type { CatalogContext } from '../context.js';
import { ProductVariant } from '../product-variant/product-variant.entity.js';
import { Store } from '../store/store.entity.js';
import { ProductFilter } from './product-filter.input.js';
import { ProductConnection } from './product.connection.js';
import { Product } from './product.entity.js';
import { getProduct, listProducts } from './product.service.js';

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => Product, { description: 'One product by ID; NOT_FOUND when there is none.' })
  product(@Arg('id', () => ID, { description: 'The product ID.' }) id: string, @Ctx() context: CatalogContext) {
    return getProduct(context, id);
  }

  @Query(() => ProductConnection, { description: 'Products in a stable order, optionally narrowed by a filter.' })
  products(
    @Arg('filter', () => ProductFilter, { nullable: true, description: 'Criteria every listed product meets.' })
    filter: ProductFilter | null,
    @Args() page: PageArgs,
    @Ctx() { em }: CatalogContext,
  ) {
    return listProducts(em, filter, page);
  }

  @FieldResolver(() => Store, { description: 'The store that sells the product.' })
  store(@Root() product: Product, @Ctx() { loaders }: CatalogContext) {
    return loaders.storeById.load(product.store.id);
  }

  @FieldResolver(() => Category, { nullable: true, description: 'The category the product is filed under, if any.' })
  category(@Root() product: Product, @Ctx() { loaders }: CatalogContext) {
    return product.category ? loaders.categoryById.load(product.category.id) : null;
  }

  @FieldResolver(() => [ProductVariant], { description: 'The buyable variants of the product, in display order.' })
  variants(@Root() product: Product, @Ctx() { loaders }: CatalogContext) {
    return loaders.variantsOfProduct.load(product.id);
  }
}
