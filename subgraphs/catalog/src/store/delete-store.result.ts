import { ErrorResult } from '@commerce/kit';
import { createUnionType, Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The store was deleted.' })
export class StoreDeleted {
  @Field(() => ID, { description: 'The ID the deleted store had.' })
  deletedStoreId!: string;
}

@ObjectType({ implements: ErrorResult, description: 'A store that still lists products cannot be deleted; delete them first.' })
export class StoreNotEmpty extends ErrorResult {
  @Field(() => Int, { description: 'How many products the store still lists.' })
  productCount!: number;
}

export const DeleteStoreResult = createUnionType({
  name: 'DeleteStoreResult',
  description: 'The store deleted, or why it was not.',
  types: () => [StoreDeleted, StoreNotEmpty] as const,
  resolveType: (value) => ('code' in value ? StoreNotEmpty : StoreDeleted),
});

export const storeDeleted = (deletedStoreId: string) => Object.assign(new StoreDeleted(), { deletedStoreId });

export const storeNotEmpty = (productCount: number) =>
  Object.assign(new StoreNotEmpty(), {
    code: 'STORE_NOT_EMPTY',
    message: `The store still lists ${productCount} product(s); delete them first.`,
    productCount,
  });
