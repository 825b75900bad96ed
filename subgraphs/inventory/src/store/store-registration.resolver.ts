import { Arg, Authorized, Ctx, Directive, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import type { InventoryContext } from '../context.js';
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
}
