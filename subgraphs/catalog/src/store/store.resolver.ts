import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../common/page.args.js';
import type { CatalogContext } from '../context.js';
import { MemberStub, memberStub } from '../member/member.stub.js';
import { ProductConnection } from '../product/product.connection.js';
import { productsOfStore } from '../product/product.service.js';
import { StoreConnection } from './store.connection.js';
import { Store } from './store.entity.js';
import { getStore, listStores } from './store.service.js';
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

  @FieldResolver(() => MemberStub, { description: 'The member who runs the store.' })
  owner(@Root() store: Store): MemberStub {
    return memberStub(store.ownerId);
  }

  @FieldResolver(() => ProductConnection, { description: 'The products the store sells, in a stable order.' })
  products(@Root() store: Store, @Args() page: PageArgs, @Ctx() { loaders }: CatalogContext) {
    return productsOfStore(loaders, store.id, page);
  }
}
