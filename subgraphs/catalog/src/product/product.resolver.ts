import { Money, PageArgs } from '@commerce/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Category } from '../category/category.entity.js';
import type { CatalogContext } from '../context.js';
import { lowestPriceLoader } from '../pricing/lowest-price.loader.js';
import { ProductVariant } from '../product-variant/product-variant.entity.js';
import { Store } from '../store/store.entity.js';
import { ProductFilter } from './product-filter.input.js';
import { ProductConnection } from './product.connection.js';
import { Product } from './product.entity.js';
import { CreateProductInput, UpdateProductInput } from './product.inputs.js';
import { getProduct, listProducts } from './product.service.js';
import { setLiking } from './product-like.service.js';
import { createProduct, deleteProduct, updateProduct } from './product-write.service.js';

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => Product, { description: 'One product by ID; NOT_FOUND when there is none.' })
  product(@Arg('id', () => ID, { description: 'The product ID.' }) id: string, @Ctx() context: CatalogContext) {
    return getProduct(context, id);
  }

  @Query(() => ProductConnection, {
    description: 'Products narrowed by a filter: in a stable id order, or by relevance when the filter has a search text.',
  })
  products(
    @Arg('filter', () => ProductFilter, { nullable: true, description: 'Criteria every listed product meets.' })
    filter: ProductFilter | null,
    @Args() page: PageArgs,
    @Ctx() { em }: CatalogContext,
  ) {
    return listProducts(em, filter, page);
  }

  @Authorized()
  @Mutation(() => Product, { description: "Lists a product with its variants; only the store's owner or an admin may." })
  createProduct(@Arg('input', { description: 'The new product.' }) input: CreateProductInput, @Ctx() context: CatalogContext) {
    return createProduct(context, input);
  }

  @Authorized()
  @Mutation(() => Product, { description: "Changes a product's details; only its store's owner or an admin may." })
  updateProduct(
    @Arg('id', () => ID, { description: 'The product to change.' }) id: string,
    @Arg('input', { description: 'The changes.' }) input: UpdateProductInput,
    @Ctx() context: CatalogContext,
  ) {
    return updateProduct(context, id, input);
  }

  @Authorized()
  @Mutation(() => ID, { description: 'Deletes a product with its variants; answers its ID. Only its store’s owner or an admin may.' })
  deleteProduct(@Arg('id', () => ID, { description: 'The product to delete.' }) id: string, @Ctx() context: CatalogContext) {
    return deleteProduct(context, id);
  }

  @Authorized()
  @Mutation(() => Product, { description: 'Likes a product as the calling member; liking twice changes nothing.' })
  likeProduct(@Arg('productId', () => ID, { description: 'The product to like.' }) productId: string, @Ctx() context: CatalogContext) {
    return setLiking(context, productId, true);
  }

  @Authorized()
  @Mutation(() => Product, { description: 'Takes back a like; unliking a product not liked changes nothing.' })
  unlikeProduct(@Arg('productId', () => ID, { description: 'The product to unlike.' }) productId: string, @Ctx() context: CatalogContext) {
    return setLiking(context, productId, false);
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

  @FieldResolver(() => Boolean, { description: 'Whether any variant of the product is in stock.' })
  async inStock(@Root() product: Product, @Ctx() { loaders }: CatalogContext): Promise<boolean> {
    return (await loaders.variantsOfProduct.load(product.id)).some((variant) => variant.inStock);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description: 'The lowest price a buyer pays now over all variants, running time-sale prices included; null without variants.',
  })
  lowestPrice(@Root() product: Product, @Ctx() context: CatalogContext): Promise<Money | null> {
    return lowestPriceLoader(context).load(product.id);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the calling member likes the product; false for anonymous callers.' })
  async likedByMe(@Root() product: Product, @Ctx() { viewer, loaders }: CatalogContext): Promise<boolean> {
    if (!viewer?.memberId) return false;
    return loaders.productLikedBy.load({ memberId: viewer.memberId, targetId: product.id });
  }
}
