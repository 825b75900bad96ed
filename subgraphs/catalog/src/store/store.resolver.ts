import { PageArgs } from '@commerce/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CatalogContext } from '../context.js';
import { MemberStub, memberStub } from '../member/member.stub.js';
import { ProductConnection } from '../product/product.connection.js';
import { productsOfStore } from '../product/product.service.js';
import { DeleteStoreResult } from './delete-store.result.js';
import { StoreConnection } from './store.connection.js';
import { Store } from './store.entity.js';
import { CreateStoreInput, UpdateStoreInput } from './store.inputs.js';
import { createStore, deleteStore, getStore, listStores, updateStore } from './store.service.js';
import { setFollowing } from './store-follow.service.js';
import { StoresArgs } from './stores.args.js';

@Resolver(() => Store)
export class StoreResolver {
  @Query(() => Store, { description: 'One store by ID; NOT_FOUND when there is none.' })
  store(@Arg('id', () => ID, { description: 'The store ID.' }) id: string, @Ctx() context: CatalogContext) {
    return getStore(context, id);
  }

  @Query(() => StoreConnection, { description: 'Stores in a stable order, optionally narrowed by a search text.' })
  stores(@Args() args: StoresArgs, @Ctx() { em }: CatalogContext) {
    return listStores(em, args);
  }

  @Authorized()
  @Mutation(() => Store, { description: 'Opens a store owned by the calling member, who thereby becomes a seller.' })
  createStore(@Arg('input', { description: 'The new store.' }) input: CreateStoreInput, @Ctx() context: CatalogContext) {
    return createStore(context, input);
  }

  @Authorized()
  @Mutation(() => Store, { description: "Changes a store's details; only its owner or an admin may." })
  updateStore(
    @Arg('id', () => ID, { description: 'The store to change.' }) id: string,
    @Arg('input', { description: 'The changes.' }) input: UpdateStoreInput,
    @Ctx() context: CatalogContext,
  ) {
    return updateStore(context, id, input);
  }

  @Authorized()
  @Mutation(() => DeleteStoreResult, { description: 'Deletes a store without products; only its owner or an admin may.' })
  deleteStore(@Arg('id', () => ID, { description: 'The store to delete.' }) id: string, @Ctx() context: CatalogContext) {
    return deleteStore(context, id);
  }

  @Authorized()
  @Mutation(() => Store, { description: 'Follows a store as the calling member; following twice changes nothing.' })
  followStore(@Arg('storeId', () => ID, { description: 'The store to follow.' }) storeId: string, @Ctx() context: CatalogContext) {
    return setFollowing(context, storeId, true);
  }

  @Authorized()
  @Mutation(() => Store, { description: 'Stops following a store; unfollowing a store not followed changes nothing.' })
  unfollowStore(@Arg('storeId', () => ID, { description: 'The store to unfollow.' }) storeId: string, @Ctx() context: CatalogContext) {
    return setFollowing(context, storeId, false);
  }

  @FieldResolver(() => MemberStub, { description: 'The member who runs the store.' })
  owner(@Root() store: Store): MemberStub {
    return memberStub(store.ownerId);
  }

  @FieldResolver(() => ProductConnection, { description: 'The products the store sells, in a stable order.' })
  products(@Root() store: Store, @Args() page: PageArgs, @Ctx() { loaders }: CatalogContext) {
    return productsOfStore(loaders, store.id, page);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the calling member follows the store; false for anonymous callers.' })
  async followedByMe(@Root() store: Store, @Ctx() { viewer, loaders }: CatalogContext): Promise<boolean> {
    if (!viewer?.memberId) return false;
    return loaders.storeFollowedBy.load({ memberId: viewer.memberId, targetId: store.id });
  }
}
