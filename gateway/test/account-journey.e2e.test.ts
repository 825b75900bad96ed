import { graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

/**
 * The members issue's acceptance path, through the gateway: sign up, read the mail, verify, log in on two
 * devices, refresh, replay a spent refresh token, log out everywhere, and watch access tokens stop working
 * at once (the gateway checks each session's record in Redis, not only the token's expiry).
 */
let supergraph: RunningSupergraph;

beforeAll(async () => {
  supergraph = await startSupergraph('accounts');
});
afterAll(() => supergraph?.close());

const SESSION = 'accessToken refreshToken member { id emailVerified }';
const password = 'correct horse battery staple';

describe('an account through the gateway', () => {
  it('signs up, verifies by mail, keeps device sessions apart, and logs out everywhere at once', async () => {
    const url = supergraph.gatewayUrl;
    const email = `journey-${Date.now()}@example.com`;
    const ask = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
      graphqlRequest(url, query, variables, token ? { authorization: `Bearer ${token}` } : {});

    const signUp = await graphqlData(url, `mutation ($i: SignUpInput!) { signUp(input: $i) { __typename ... on Member { emailVerified } } }`, {
      i: { email, password, name: 'Journey' },
    });
    expect(signUp.signUp).toEqual({ __typename: 'Member', emailVerified: false });

    const token = await supergraph.mail.tokenFor(email);
    const verified = await graphqlData(url, `mutation ($t: String!) { verifyEmail(token: $t) { __typename ... on Member { emailVerified } } }`, { t: token });
    expect(verified.verifyEmail).toEqual({ __typename: 'Member', emailVerified: true });

    const logIn = async () =>
      (await graphqlData(url, `mutation ($e: String!, $p: String!) { logIn(email: $e, password: $p) { __typename ... on Session { ${SESSION} } } }`, { e: email, p: password })).logIn;
    const phone = await logIn();
    const laptop = await logIn();
    expect(phone.__typename).toBe('Session');
    expect((await ask('{ me { email } }', {}, phone.accessToken)).data.me.email).toBe(email);

    // Refresh rotates the phone's refresh token; the laptop is untouched.
    const refresh = (refreshToken: string) =>
      graphqlData(url, `mutation ($r: String!) { refreshSession(refreshToken: $r) { __typename ... on Session { ${SESSION} } } }`, { r: refreshToken });
    const rotated = (await refresh(phone.refreshToken)).refreshSession;
    expect(rotated.__typename).toBe('Session');
    expect(rotated.refreshToken).not.toBe(phone.refreshToken);

    // Replaying the spent refresh token ends the phone's whole session family, at once, at the gateway.
    expect((await refresh(phone.refreshToken)).refreshSession.__typename).toBe('InvalidRefreshToken');
    expect((await refresh(rotated.refreshToken)).refreshSession.__typename).toBe('InvalidRefreshToken');
    const ended = await ask('{ me { email } }', {}, rotated.accessToken);
    expect(ended.status).toBe(401);
    expect(ended.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await ask('{ me { email } }', {}, laptop.accessToken)).data.me.email).toBe(email);

    // Log out everywhere: every access token stops working immediately, long before it expires.
    const again = await logIn();
    expect((await ask('mutation { logOutEverywhere }', {}, again.accessToken)).data.logOutEverywhere).toBeGreaterThanOrEqual(2);
    for (const session of [laptop, again]) {
      const response = await ask('{ me { email } }', {}, session.accessToken);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses identity headers a client sends to the gateway or forges toward a subgraph', async () => {
    const forged = Buffer.from(JSON.stringify({ sub: 'x', roles: ['ADMIN'], sid: null, svc: null, iat: Date.now() })).toString('base64url');
    const headers = { 'x-commerce-identity': forged, 'x-commerce-identity-signature': 'forged' };
    // Through the gateway, client-sent identity headers are not forwarded: the caller stays anonymous.
    const viaGateway = await graphqlRequest(supergraph.gatewayUrl, '{ me { email } }', {}, headers);
    expect(viaGateway.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Straight to a subgraph, the forgery is refused outright.
    const direct = await graphqlRequest(supergraph.subgraphUrls.members!, '{ me { email } }', {}, headers);
    expect(direct.status).toBe(401);
    expect(direct.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
