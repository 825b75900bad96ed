import { Arg, Authorized, Ctx, Directive, ID, Mutation, Resolver } from 'type-graphql';
import type { CatalogContext } from '../context.js';
import { setVariantAvailability } from './variant-availability.service.js';

@Resolver()
export class VariantAvailabilityResolver {
  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, {
    description: 'Internal (inventory): whether a variant is in stock; false when catalog does not know the variant.',
  })
  setVariantAvailability(
    @Arg('variantId', () => ID, { description: 'The variant whose availability changed.' }) variantId: string,
    @Arg('inStock', { description: 'Whether it can be bought now.' }) inStock: boolean,
    @Ctx() context: CatalogContext,
  ): Promise<boolean> {
    return setVariantAvailability(context, variantId, inStock);
  }
}
