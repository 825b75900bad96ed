import { Arg, Authorized, Ctx, Directive, ID, Query, Resolver } from 'type-graphql';
import type { CatalogContext } from '../context.js';
import { checkoutVariants } from './checkout-variant.service.js';
import { CheckoutVariant } from './checkout-variant.type.js';

@Resolver()
export class CheckoutVariantResolver {
  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Query(() => [CheckoutVariant], {
    description: "Internal (orders): current price, store, category, SKU and availability of many variants in one query; unknown ids are left out.",
  })
  checkoutVariants(
    @Arg('ids', () => [ID], { description: 'The variants, at most 200.' }) ids: string[],
    @Ctx() { em }: CatalogContext,
  ): Promise<CheckoutVariant[]> {
    return checkoutVariants(em, ids);
  }
}
