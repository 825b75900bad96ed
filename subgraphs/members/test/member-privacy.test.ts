import { randomUUID } from 'node:crypto';
import { asService } from '@commerce/testkit';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData, graphqlRequest, loggedIn, type MembersUnderTest, newMember, type TestMember, startMembers } from './members-harness.js';

let members: MembersUnderTest;
let alice: TestMember;
let bob: TestMember;
const ADMIN_EMAIL = 'root@shop.example';
const ADMIN_PASSWORD = 'admin-password-from-config';
const PRODUCT = '0190a000-0000-7000-8000-00000000beef';

const ADD_ADDRESS = `mutation ($input: ShippingAddressInput!) { addShippingAddress(input: $input) { id isDefault recipientName } }`;
const address = (recipientName: string) => ({ recipientName, phone: '010-1234-5678', postalCode: '04524', line1: '1 Sejong-daero', city: 'Seoul' });
const PRIVATE = ['email', 'pointBalance { amount }', 'pointHistory { edges { cursor } }', 'wishlist { id }', 'addresses { id }', 'sessions { id }'];

beforeAll(async () => {
  members = await startMembers('privacy', { ADMIN_EMAIL, ADMIN_PASSWORD });
  alice = await newMember(members.url, 'alice');
  bob = await newMember(members.url, 'bob');
  await graphqlData(members.url, ADD_ADDRESS, { input: address('Bob') }, bob.headers);
  await graphqlData(members.url, `mutation ($p: ID!) { addToWishlist(productId: $p) { id } }`, { p: PRODUCT }, bob.headers);
  await graphqlData(members.url, `mutation { chargePoints(amount: 500, idempotencyKey: "b") { id } }`, {}, bob.headers);
});
afterAll(() => members?.close());

const memberQuery = (field: string) => `query ($id: ID!) { member(id: $id) { id name ${field} } }`;

describe("one member cannot read or change another's data", () => {
  it.each(PRIVATE)('member A reading B.%s gets FORBIDDEN (name stays public)', async (field) => {
    const response = await graphqlRequest(members.url, memberQuery(field), { id: bob.id }, alice.headers);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const publicPart = await graphqlData(members.url, 'query ($id: ID!) { member(id: $id) { id name } }', { id: bob.id }, alice.headers);
    expect(publicPart.member).toEqual({ id: bob.id, name: 'Test Member' });
  });

  it('the same holds through federation (_entities), and for anonymous callers', async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { name pointBalance { amount } } } }`;
    const asAlice = await graphqlRequest(members.url, query, { r: [{ __typename: 'Member', id: bob.id }] }, alice.headers);
    expect(asAlice.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await graphqlRequest(members.url, query, { r: [{ __typename: 'Member', id: bob.id }] });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("B sees all of their own data", async () => {
    const own = await graphqlData(members.url, memberQuery(PRIVATE.join(' ')), { id: bob.id }, bob.headers);
    expect(own.member).toMatchObject({ email: bob.email, pointBalance: { amount: 500 }, wishlist: [{ id: PRODUCT }] });
    expect(own.member.addresses).toHaveLength(1);
    expect(own.member.sessions).toEqual([{ id: bob.sessionId }]);
  });

  it("A cannot change or remove B's address (NOT_FOUND) and B's address stays as it was", async () => {
    const [bobAddress] = (await graphqlData(members.url, '{ me { addresses { id recipientName } } }', {}, bob.headers)).me.addresses;
    const update = await graphqlRequest(
      members.url,
      'mutation ($id: ID!) { updateShippingAddress(id: $id, input: { recipientName: "Mallory" }) { id } }',
      { id: bobAddress.id },
      alice.headers,
    );
    expect(update.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const remove = await graphqlRequest(members.url, 'mutation ($id: ID!) { removeShippingAddress(id: $id) }', { id: bobAddress.id }, alice.headers);
    expect(remove.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphqlData(members.url, '{ me { addresses { id recipientName } } }', {}, bob.headers)).me.addresses).toEqual([bobAddress]);
  });

  it("updateProfile and the wishlist only ever act on the caller", async () => {
    await graphqlData(members.url, 'mutation { updateProfile(input: { name: "Alice A." }) { name } }', {}, alice.headers);
    await graphqlData(members.url, 'mutation ($p: ID!) { removeFromWishlist(productId: $p) { id } }', { p: PRODUCT }, alice.headers);
    const bobNow = await graphqlData(members.url, '{ me { name wishlist { id } } }', {}, bob.headers);
    expect(bobNow.me).toEqual({ name: 'Test Member', wishlist: [{ id: PRODUCT }] });
  });
});

describe('the admin', () => {
  it('is created at start from configuration, logs in with the ADMIN role and may read any member', async () => {
    const admin = await loggedIn(members.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    const me = (await graphqlData(members.url, '{ me { roles emailVerified } }', {}, admin.headers)).me;
    expect(me).toEqual({ roles: ['CUSTOMER', 'ADMIN'], emailVerified: true });
    const bobSeen = await graphqlData(members.url, memberQuery('email pointBalance { amount } sessions { id }'), { id: bob.id }, admin.headers);
    expect(bobSeen.member).toMatchObject({ email: bob.email, pointBalance: { amount: 500 } });
  });
});

describe('profile, addresses and wishlist', () => {
  it('me needs authentication', async () => {
    expect((await graphqlRequest(members.url, '{ me { id } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps exactly one default address', async () => {
    const carol = await newMember(members.url, 'carol');
    const home = (await graphqlData(members.url, ADD_ADDRESS, { input: address('Home') }, carol.headers)).addShippingAddress;
    expect(home.isDefault).toBe(true);
    const work = (await graphqlData(members.url, ADD_ADDRESS, { input: { ...address('Work'), isDefault: true } }, carol.headers)).addShippingAddress;
    const list = (await graphqlData(members.url, '{ me { addresses { id isDefault } } }', {}, carol.headers)).me.addresses;
    expect(list).toEqual([
      { id: home.id, isDefault: false },
      { id: work.id, isDefault: true },
    ]);
    const bad = await graphqlRequest(members.url, ADD_ADDRESS, { input: { ...address(''), recipientName: '  ' } }, carol.headers);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('wishlist add is idempotent and returns Product stubs for the gateway to resolve', async () => {
    const dave = await newMember(members.url, 'dave');
    const ADD = 'mutation ($p: ID!) { addToWishlist(productId: $p) { wishlist { __typename id } } }';
    await graphqlData(members.url, ADD, { p: PRODUCT }, dave.headers);
    const twice = await graphqlData(members.url, ADD, { p: PRODUCT }, dave.headers);
    expect(twice.addToWishlist.wishlist).toEqual([{ __typename: 'Product', id: PRODUCT }]);
  });

  it('forgetProduct (internal) takes a deleted product out of every wishlist, once, and leaves the rest', async () => {
    const [fay, gil] = [await newMember(members.url, 'fay'), await newMember(members.url, 'gil')];
    const gone = randomUUID();
    const ADD = 'mutation ($p: ID!) { addToWishlist(productId: $p) { id } }';
    for (const who of [fay, gil]) {
      await graphqlData(members.url, ADD, { p: gone }, who.headers);
      await graphqlData(members.url, ADD, { p: PRODUCT }, who.headers);
    }
    const FORGET = 'mutation ($p: ID!) { forgetProduct(productId: $p) }';
    expect((await graphqlRequest(members.url, FORGET, { p: gone }, fay.headers)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphqlData(members.url, FORGET, { p: gone }, asService('catalog'))).forgetProduct).toBe(2);
    expect((await graphqlData(members.url, FORGET, { p: gone }, asService('catalog'))).forgetProduct).toBe(0);
    for (const who of [fay, gil]) {
      expect((await graphqlData(members.url, '{ me { wishlist { id } } }', {}, who.headers)).me.wishlist).toEqual([{ id: PRODUCT }]);
    }
    expect((await graphqlRequest(members.url, FORGET, { p: 'not-an-id' }, asService('catalog'))).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('grantSellerRole is internal and idempotent; the role shows in the next access token', async () => {
    const erin = await newMember(members.url, 'erin');
    const GRANT = 'mutation ($m: ID!) { grantSellerRole(memberId: $m) { roles } }';
    expect((await graphqlRequest(members.url, GRANT, { m: erin.id }, erin.headers)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (let i = 0; i < 2; i++) {
      expect((await graphqlData(members.url, GRANT, { m: erin.id }, asService('catalog'))).grantSellerRole.roles).toEqual(['CUSTOMER', 'SELLER']);
    }
    const refreshed = await graphqlData(
      members.url,
      'mutation ($t: String!) { refreshSession(refreshToken: $t) { ... on Session { accessToken } } }',
      { t: erin.refreshToken },
    );
    const claims = JSON.parse(Buffer.from(refreshed.refreshSession.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.roles).toEqual(['CUSTOMER', 'SELLER']);
  });

  it('publishes the internal operations as @inaccessible and Product as a non-resolvable stub', async () => {
    const sdl: string = (await graphqlData(members.url, '{ _service { sdl } }'))._service.sdl;
    expect(sdl).toMatch(/type Product\s+@key\(fields: "id", resolvable: false\)/);
    const fields = parse(sdl).definitions.flatMap((definition) =>
      (definition.kind === 'ObjectTypeDefinition' || definition.kind === 'ObjectTypeExtension') && ['Query', 'Mutation'].includes(definition.name.value)
        ? (definition.fields ?? [])
        : [],
    );
    const inaccessible = fields.filter((field) => field.directives?.some((directive) => directive.name.value === 'inaccessible'));
    expect(inaccessible.map((field) => field.name.value).sort()).toEqual(
      ['confirmPointReservation', 'forgetProduct', 'grantSellerRole', 'memberCanPurchase', 'membersByEmailDomain', 'refundPointReservation', 'refundPoints', 'releasePointReservation', 'reservePoints', 'spendPoints'],
    );
  });
});
