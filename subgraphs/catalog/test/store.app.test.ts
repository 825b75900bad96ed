import { OutboxMessage } from '@commerce/kit';
import { asService } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.entity.js';
import { StoreFollow } from '../src/store/store-follow.entity.js';
import {
  admin,
  CREATE_STORE,
  caller,
  type CatalogUnderTest,
  createProductAs,
  createStoreAs,
  eventually,
  member,
  newMemberId,
  startCatalog,
} from './catalog-harness.js';

let catalog: CatalogUnderTest;
let api: ReturnType<typeof caller>;
beforeAll(async () => {
  catalog = await startCatalog('catalog_stores');
  api = caller(catalog.subgraph.url);
});
afterAll(() => catalog?.close());

const UPDATE_STORE = `mutation ($id: ID!, $input: UpdateStoreInput!) { updateStore(id: $id, input: $input) { id name description } }`;
const DELETE_STORE = `mutation ($id: ID!) { deleteStore(id: $id) {
  __typename ... on StoreDeleted { deletedStoreId } ... on StoreNotEmpty { code message productCount } } }`;
const FOLLOW = `mutation ($id: ID!) { followStore(storeId: $id) { id followerCount followedByMe } }`;
const UNFOLLOW = `mutation ($id: ID!) { unfollowStore(storeId: $id) { id followerCount followedByMe } }`;

describe('stores', () => {
  it('are opened by any member, who becomes the owner', async () => {
    const owner = newMemberId();
    const data = await api.data(CREATE_STORE, { input: { name: '  Haneul Books ', description: 'Used books' } }, member(owner));
    expect(data.createStore).toMatchObject({ name: 'Haneul Books', description: 'Used books', owner: { id: owner }, followerCount: 0 });
    const found = await api.data(`query ($id: ID!) { store(id: $id) { name owner { id } } stores(search: "haneul") { edges { node { id } } } }`, {
      id: data.createStore.id,
    });
    expect(found.store).toEqual({ name: 'Haneul Books', owner: { id: owner } });
    expect(found.stores.edges).toEqual([{ node: { id: data.createStore.id } }]);
  });

  it('refuse anonymous callers, services and bad input', async () => {
    expect(await api.errorCode(CREATE_STORE, { input: { name: 'X' } })).toBe('UNAUTHENTICATED');
    expect(await api.errorCode(CREATE_STORE, { input: { name: 'X' } }, asService('orders'))).toBe('FORBIDDEN');
    const blank = await api.error(CREATE_STORE, { input: { name: '   ' } }, member(newMemberId()));
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    const long = await api.error(CREATE_STORE, { input: { name: 'x'.repeat(101) } }, member(newMemberId()));
    expect(long.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('are changed and deleted only by their owner or an admin', async () => {
    const owner = newMemberId();
    const id = await createStoreAs(catalog.subgraph.url, owner);
    expect(await api.errorCode(UPDATE_STORE, { id, input: { name: 'Mine now' } })).toBe('UNAUTHENTICATED');
    expect(await api.errorCode(UPDATE_STORE, { id, input: { name: 'Mine now' } }, member(newMemberId()))).toBe('FORBIDDEN');
    expect(await api.errorCode(DELETE_STORE, { id }, member(newMemberId()))).toBe('FORBIDDEN');
    expect(await api.errorCode(DELETE_STORE, { id })).toBe('UNAUTHENTICATED');

    const updated = await api.data(UPDATE_STORE, { id, input: { name: 'Renamed', description: 'New text' } }, member(owner));
    expect(updated.updateStore).toEqual({ id, name: 'Renamed', description: 'New text' });
    const cleared = await api.data(UPDATE_STORE, { id, input: { description: null } }, admin());
    expect(cleared.updateStore).toEqual({ id, name: 'Renamed', description: null });

    const deleted = await api.data(DELETE_STORE, { id }, member(owner));
    expect(deleted.deleteStore).toEqual({ __typename: 'StoreDeleted', deletedStoreId: id });
    expect(await api.errorCode(`query ($id: ID!) { store(id: $id) { id } }`, { id })).toBe('NOT_FOUND');
    expect(await api.errorCode(DELETE_STORE, { id }, member(owner))).toBe('NOT_FOUND');
  });

  it('are not deleted while they list products', async () => {
    const owner = newMemberId();
    const id = await createStoreAs(catalog.subgraph.url, owner);
    await createProductAs(catalog.subgraph.url, owner, id);
    const refused = await api.data(DELETE_STORE, { id }, admin());
    expect(refused.deleteStore).toMatchObject({ __typename: 'StoreNotEmpty', code: 'STORE_NOT_EMPTY', productCount: 1 });
    expect(await api.data(`query ($id: ID!) { store(id: $id) { id } }`, { id })).toEqual({ store: { id } });
  });
});

describe('following stores', () => {
  it('is idempotent and tells each member whether they follow', async () => {
    const id = await createStoreAs(catalog.subgraph.url, newMemberId());
    const fan = newMemberId();
    expect(await api.errorCode(FOLLOW, { id })).toBe('UNAUTHENTICATED');
    expect((await api.data(FOLLOW, { id }, member(fan))).followStore).toEqual({ id, followerCount: 1, followedByMe: true });
    expect((await api.data(FOLLOW, { id }, member(fan))).followStore).toEqual({ id, followerCount: 1, followedByMe: true });
    const seen = `query ($id: ID!) { store(id: $id) { followerCount followedByMe } }`;
    expect((await api.data(seen, { id }, member(newMemberId()))).store).toEqual({ followerCount: 1, followedByMe: false });
    expect((await api.data(seen, { id })).store).toEqual({ followerCount: 1, followedByMe: false });
    expect((await api.data(UNFOLLOW, { id }, member(fan))).unfollowStore).toEqual({ id, followerCount: 0, followedByMe: false });
    expect((await api.data(UNFOLLOW, { id }, member(fan))).unfollowStore).toEqual({ id, followerCount: 0, followedByMe: false });
    expect(await api.errorCode(FOLLOW, { id: '00000000-0000-7000-8000-000000000000' }, member(fan))).toBe('NOT_FOUND');
  });

  it('keeps followerCount exact under concurrent follows and unfollows', async () => {
    const id = await createStoreAs(catalog.subgraph.url, newMemberId());
    const fans = Array.from({ length: 40 }, newMemberId);
    // Every fan follows twice at once: 80 racing requests, 40 real follows.
    await Promise.all(fans.flatMap((fan) => [api.data(FOLLOW, { id }, member(fan)), api.data(FOLLOW, { id }, member(fan))]));
    const afterFollows = await api.data(`query ($id: ID!) { store(id: $id) { followerCount } }`, { id });
    expect(afterFollows.store.followerCount).toBe(40);

    // Half leave (twice each) while the other half follow again and newcomers arrive, all at once.
    const leaving = fans.slice(0, 20);
    const newcomers = Array.from({ length: 15 }, newMemberId);
    await Promise.all([
      ...leaving.flatMap((fan) => [api.data(UNFOLLOW, { id }, member(fan)), api.data(UNFOLLOW, { id }, member(fan))]),
      ...fans.slice(20).map((fan) => api.data(FOLLOW, { id }, member(fan))),
      ...newcomers.map((fan) => api.data(FOLLOW, { id }, member(fan))),
    ]);
    const em = catalog.subgraph.app.orm.em.fork();
    const rows = await em.count(StoreFollow, { store: id });
    const store = await em.findOneOrFail(Store, id);
    expect(rows).toBe(35);
    expect(store.followerCount).toBe(35);
  });
});

describe('store-created outbox', () => {
  it('is written in the same transaction as the store and delivered to members and inventory', async () => {
    const owner = newMemberId();
    const id = await createStoreAs(catalog.subgraph.url, owner);
    const em = catalog.subgraph.app.orm.em.fork();
    const [message] = await em.execute(`select topic, payload from catalog.outbox_message where payload->>'storeId' = ?`, [id]);
    expect(message).toMatchObject({ topic: 'store-created', payload: { storeId: id, ownerId: owner } });

    // One transaction: a commit that fails after both rows were written (a deferred constraint) leaves no message.
    // (The message's xmin proves nothing: the relay may already have marked it delivered, which rewrites the row.)
    const refused = newMemberId();
    await em.execute(`create function catalog.refuse_store_boom() returns trigger language plpgsql as $$
      begin if new.name = 'BOOM' then raise exception 'boom'; end if; return new; end $$`);
    await em.execute(`create constraint trigger refuse_store_boom after insert on catalog.store
      deferrable initially deferred for each row execute function catalog.refuse_store_boom()`);
    try {
      expect(await api.errorCode(CREATE_STORE, { input: { name: 'BOOM' } }, member(refused))).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await em.execute(`drop trigger refuse_store_boom on catalog.store; drop function catalog.refuse_store_boom()`);
    }
    expect(await em.execute(`select 1 from catalog.outbox_message where payload->>'ownerId' = ?`, [refused])).toEqual([]);
    expect(await em.count(Store, { name: 'BOOM' })).toBe(0);

    await eventually(() => {
      expect(catalog.upstream.callsTo('grantSellerRole').filter((call) => call.variables.memberId === owner)).toEqual([
        { field: 'grantSellerRole', variables: { memberId: owner }, service: 'catalog' },
      ]);
      expect(catalog.upstream.callsTo('registerStore').filter((call) => call.variables.storeId === id)).toEqual([
        { field: 'registerStore', variables: { storeId: id, ownerId: owner }, service: 'catalog' },
      ]);
    });
    await eventually(async () => {
      const message = await em.fork().findOneOrFail(OutboxMessage, { payload: { storeId: id } } as never);
      expect(message.deliveredAt).toBeInstanceOf(Date);
    });
  });
});
