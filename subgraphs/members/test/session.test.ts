import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionLiveness } from '../src/session/session-liveness.js';
import { graphqlData, graphqlRequest, loggedIn, logIn, type MembersUnderTest, newMember, PASSWORD, signUp, startMembers, uniqueEmail } from './members-harness.js';

let members: MembersUnderTest;
const MAX_ACCOUNT_FAILURES = 5;

beforeAll(async () => {
  members = await startMembers('session', { LOGIN_MAX_FAILURES_PER_ACCOUNT: MAX_ACCOUNT_FAILURES, LOGIN_MAX_FAILURES_PER_ADDRESS: 1000 });
});
afterAll(() => members?.close());

const sessionAlive = async (sessionId: string) => (await members.app.redis.exists(SessionLiveness.key(sessionId))) === 1;

const REFRESH = `mutation ($t: String!) { refreshSession(refreshToken: $t) {
  __typename ... on Session { accessToken refreshToken } ... on ErrorResult { code } } }`;

describe('logging in', () => {
  it('issues an EdDSA access token that verifies against the published JWKS, with the agreed claims', async () => {
    const member = await newMember(members.url, 'jwt');
    const base = members.url.replace('/graphql', '');
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as JSONWebKeySet & { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]!.d).toBeUndefined();
    const { payload, protectedHeader } = await jwtVerify(member.accessToken, createLocalJWKSet(jwks), {
      issuer: 'commerce-members',
      audience: 'commerce',
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: jwks.keys[0]!.kid });
    expect(payload).toMatchObject({ sub: member.id, sid: member.sessionId, roles: ['CUSTOMER'] });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(await sessionAlive(member.sessionId)).toBe(true);
    expect(await members.app.redis.get(SessionLiveness.key(member.sessionId))).toBe(member.id);
  });

  it('answers INVALID_CREDENTIALS alike for a wrong password and an unknown email', async () => {
    const email = uniqueEmail('wrong');
    await signUp(members.url, email);
    expect((await logIn(members.url, email, 'not-the-password')).code).toBe('INVALID_CREDENTIALS');
    expect((await logIn(members.url, uniqueEmail('nobody'))).code).toBe('INVALID_CREDENTIALS');
  });

  it('locks an account after repeated failures, even for the right password; parallel guesses get no extra tries', async () => {
    const email = uniqueEmail('locked');
    await signUp(members.url, email);
    const results = await Promise.all(Array.from({ length: 20 }, () => logIn(members.url, email, 'guess-guess-guess')));
    const codes = results.map((result) => result.code);
    expect(codes.filter((code) => code === 'INVALID_CREDENTIALS')).toHaveLength(MAX_ACCOUNT_FAILURES);
    expect(codes.filter((code) => code === 'LOCKED_OUT')).toHaveLength(20 - MAX_ACCOUNT_FAILURES);
    const right = await logIn(members.url, email, PASSWORD);
    expect(right.__typename).toBe('LockedOut');
    expect(right.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('locks a client address that sprays many accounts', async () => {
    const spray = await startMembers('spray', { LOGIN_MAX_FAILURES_PER_ADDRESS: 3 });
    try {
      const address = { 'x-forwarded-for': '198.51.100.7' };
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await logIn(spray.url, uniqueEmail('spray'), 'whatever-password', address)).code);
      expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
      // Another address is not affected.
      expect((await logIn(spray.url, uniqueEmail('spray'), 'whatever-password', { 'x-forwarded-for': '198.51.100.8' })).code).toBe(
        'INVALID_CREDENTIALS',
      );
    } finally {
      await spray.close();
    }
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh returns a new pair for the same session, and the old token is spent', async () => {
    const member = await newMember(members.url, 'rotate');
    const first = (await graphqlData(members.url, REFRESH, { t: member.refreshToken })).refreshSession;
    expect(first.__typename).toBe('Session');
    expect(first.refreshToken).not.toBe(member.refreshToken);
    const second = (await graphqlData(members.url, REFRESH, { t: first.refreshToken })).refreshSession;
    expect(second.__typename).toBe('Session');
    expect(await sessionAlive(member.sessionId)).toBe(true);
  });

  it('end the whole session family when a spent token is presented again', async () => {
    const member = await newMember(members.url, 'reuse');
    const next = (await graphqlData(members.url, REFRESH, { t: member.refreshToken })).refreshSession;
    const replay = (await graphqlData(members.url, REFRESH, { t: member.refreshToken })).refreshSession;
    expect(replay.code).toBe('INVALID_REFRESH_TOKEN');
    expect(await sessionAlive(member.sessionId)).toBe(false);
    // The legitimate holder's newer token dies with the family.
    expect((await graphqlData(members.url, REFRESH, { t: next.refreshToken })).refreshSession.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('refuse unknown tokens', async () => {
    expect((await graphqlData(members.url, REFRESH, { t: 'made-up' })).refreshSession.code).toBe('INVALID_REFRESH_TOKEN');
  });
});

describe('logging out', () => {
  it('logOut ends this device only, at once (the liveness key is gone) and refresh stops working', async () => {
    const phone = await newMember(members.url, 'logout');
    const laptop = await loggedIn(members.url, phone.email);
    expect((await graphqlData(members.url, 'mutation { logOut }', {}, phone.headers)).logOut).toBe(true);
    expect(await sessionAlive(phone.sessionId)).toBe(false);
    expect(await sessionAlive(laptop.sessionId)).toBe(true);
    expect((await graphqlData(members.url, REFRESH, { t: phone.refreshToken })).refreshSession.code).toBe('INVALID_REFRESH_TOKEN');
    const sessions = (await graphqlData(members.url, '{ mySessions { id current } }', {}, laptop.headers)).mySessions;
    expect(sessions).toEqual([{ id: laptop.sessionId, current: true }]);
  });

  it('logOutEverywhere ends every session and says how many', async () => {
    const a = await newMember(members.url, 'everywhere');
    const b = await loggedIn(members.url, a.email);
    const c = await loggedIn(members.url, a.email);
    expect((await graphqlData(members.url, 'mutation { logOutEverywhere }', {}, b.headers)).logOutEverywhere).toBe(3);
    for (const session of [a, b, c]) expect(await sessionAlive(session.sessionId)).toBe(false);
  });

  it("revokeSession ends one's own device; another member's session is NOT_FOUND and stays alive", async () => {
    const alice = await newMember(members.url, 'alice');
    const aliceTablet = await loggedIn(members.url, alice.email);
    const mallory = await newMember(members.url, 'mallory');
    const REVOKE = 'mutation ($id: ID!) { revokeSession(sessionId: $id) }';
    const attack = await graphqlRequest(members.url, REVOKE, { id: alice.sessionId }, mallory.headers);
    expect(attack.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await sessionAlive(alice.sessionId)).toBe(true);
    expect((await graphqlData(members.url, REVOKE, { id: aliceTablet.sessionId }, alice.headers)).revokeSession).toBe(true);
    expect(await sessionAlive(aliceTablet.sessionId)).toBe(false);
  });

  it('requires authentication', async () => {
    const response = await graphqlRequest(members.url, 'mutation { logOutEverywhere }');
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
