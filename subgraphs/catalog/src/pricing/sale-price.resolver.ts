import { Arg, Authorized, Ctx, Directive, GraphQLISODateTime, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { CatalogContext } from '../context.js';
import { removeVariantSalePrice, setVariantSalePrice } from './sale-price.service.js';

/** Inventory owns time-sales and keeps catalog's copy of their prices current through these. */
@Resolver()
export class SalePriceResolver {
  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, {
    description: 'Internal (inventory): records or replaces the price of a time-sale of a variant; idempotent by saleId.',
  })
  setVariantSalePrice(
    @Arg('saleId', () => ID, { description: 'The time-sale, as inventory identifies it.' }) saleId: string,
    @Arg('variantId', () => ID, { description: 'The variant on sale.' }) variantId: string,
    @Arg('price', () => Int, { description: "Sale price in the variant's currency's minor units." }) price: number,
    @Arg('startsAt', () => GraphQLISODateTime, { description: 'When the sale price starts to count.' }) startsAt: Date,
    @Arg('endsAt', () => GraphQLISODateTime, { description: 'When it stops counting (exclusive).' }) endsAt: Date,
    @Ctx() context: CatalogContext,
  ): Promise<boolean> {
    return setVariantSalePrice(context, { saleId, variantId, price, startsAt, endsAt });
  }

  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, { description: 'Internal (inventory): withdraws a time-sale price; false when it was already gone.' })
  removeVariantSalePrice(
    @Arg('saleId', () => ID, { description: 'The time-sale to withdraw.' }) saleId: string,
    @Ctx() context: CatalogContext,
  ): Promise<boolean> {
    return removeVariantSalePrice(context, saleId);
  }
}
