import { Arg, Authorized, Ctx, Directive, Field, ID, InputType, Int, Mutation, Resolver } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { retireVariants } from '../product-variant/variant-retirement.service.js';
import { registerStore, registerVariants } from './store-registration.service.js';

@Directive('@inaccessible')
@InputType({ description: 'A catalog variant and the store that sells it (internal).' })
export class RegisterVariantInput {
  @Field(() => ID, { description: 'The catalog variant ID.' })
  variantId!: string;

  @Field(() => ID, { description: 'The catalog store ID.' })
  storeId!: string;
}

/** Internal operations the catalog calls so inventory knows stores and variants without reading its tables. */
@Resolver()
export class StoreRegistrationResolver {
  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, { description: "Records a store's owner (internal, catalog only). Idempotent." })
  registerStore(
    @Arg('storeId', () => ID, { description: 'The catalog store ID.' }) storeId: string,
    @Arg('ownerId', () => ID, { description: 'The member who owns the store.' }) ownerId: string,
    @Ctx() { em }: InventoryContext,
  ): Promise<boolean> {
    return registerStore(em, storeId, ownerId);
  }

  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, {
    description: 'Creates stock rows (0 on hand) for new variants and records their store (internal, catalog only). Idempotent.',
  })
  registerVariants(
    @Arg('variants', () => [RegisterVariantInput], { description: 'The variants to register.' }) variants: RegisterVariantInput[],
    @Ctx() { em }: InventoryContext,
  ): Promise<boolean> {
    return registerVariants(em, variants);
  }

  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Int, {
    description: 'The catalog deleted these variants: their open time-sales are withdrawn and their low-stock alerts go (internal, catalog only). Answers how many sales it withdrew. Idempotent.',
  })
  retireVariants(
    @Arg('variantIds', () => [ID], { description: 'The deleted variants, at most 1000.' }) variantIds: string[],
    @Ctx() context: InventoryContext,
  ): Promise<number> {
    return retireVariants(context, variantIds);
  }
}
