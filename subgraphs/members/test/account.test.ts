import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionLiveness } from '../src/session/session-liveness.js';
import { claimsOf, graphqlData, graphqlRequest, loggedIn, logIn, type MembersUnderTest, PASSWORD, signUp, startMembers, uniqueEmail } from './members-harness.js';

let members: MembersUnderTest;

beforeAll(async () => {
  members = await startMembers('account');
});
afterAll(() => members?.close());

const VERIFY = `mutation ($t: String!) { verifyEmail(token: $t) { __typename ... on Member { id emailVerified } ... on ErrorResult { code } } }`;
const RESET = `mutation ($t: String!, $p: String!) { resetPassword(token: $t, password: $p) {
  __typename ... on Member { id emailVerified } ... on ErrorResult { code message } } }`;
const CHANGE = `mutation ($c: String!, $n: String!) { changePassword(current: $c, next: $n) { __typename ... on ErrorResult { code } } }`;

describe('signUp', () => {
  it('creates an unverified customer', async () => {
    const result = await signUp(members.url, uniqueEmail('new'));
    expect(result).toMatchObject({ __typename: 'Member', emailVerified: false, roles: ['CUSTOMER'] });
  });

  it("shows its caller the new account's private fields in its answer, and nobody them afterwards", async () => {
    const email = uniqueEmail('own');
    const created = await graphqlRequest(members.url, 'mutation ($i: SignUpInput!) { signUp(input: $i) { ... on Member { id email } } }', {
      i: { email, password: PASSWORD, name: 'New Member' },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data.signUp.email).toBe(email);
    const later = await graphqlRequest(members.url, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { email } } }', {
      r: [{ __typename: 'Member', id: created.data.signUp.id }],
    });
    expect(later.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers typed errors for a taken email (any letter case), a weak password and an invalid email', async () => {
    const email = uniqueEmail('taken');
    await signUp(members.url, email);
    expect(await signUp(members.url, email.toUpperCase())).toMatchObject({ __typename: 'EmailTaken', code: 'EMAIL_TAKEN' });
    expect(await signUp(members.url, uniqueEmail(), 'short')).toMatchObject({ __typename: 'WeakPassword', code: 'WEAK_PASSWORD' });
    expect(await signUp(members.url, uniqueEmail(), '1234567890')).toMatchObject({ code: 'WEAK_PASSWORD' });
    expect(await signUp(members.url, 'not-an-email', PASSWORD)).toMatchObject({ __typename: 'InvalidEmail', code: 'INVALID_EMAIL' });
  });

  it('lets exactly one of two concurrent sign-ups with the same email through', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all([signUp(members.url, email), signUp(members.url, email), signUp(members.url, email)]);
    expect(results.map((result) => result.__typename).sort()).toEqual(['EmailTaken', 'EmailTaken', 'Member']);
  });

  it('stores a memory-hard hash, never the password', async () => {
    const email = uniqueEmail('hash');
    await signUp(members.url, email);
    const [row] = await members.app.orm.em.fork().execute<{ password_hash: string }[]>('select password_hash from members.member where email = ?', [email]);
    expect(row!.password_hash).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(row!.password_hash).not.toContain(PASSWORD);
  });
});

describe('email verification', () => {
  it('mails a link over SMTP; its token verifies the email once', async () => {
    const email = uniqueEmail('verify');
    await signUp(members.url, email);
    const token = await members.mail.tokenFor(email);
    expect(members.mail.to(email)[0]!.text).toContain('/verify-email?token=');
    expect((await graphqlData(members.url, VERIFY, { t: token })).verifyEmail).toMatchObject({ __typename: 'Member', emailVerified: true });
    expect((await graphqlData(members.url, VERIFY, { t: token })).verifyEmail).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('gates purchases on verification when the setting is on', async () => {
    const email = uniqueEmail('gate');
    await signUp(members.url, email);
    const member = await loggedIn(members.url, email);
    const canPurchase = async () => (await graphqlData(members.url, '{ me { canPurchase } }', {}, member.headers)).me.canPurchase;
    // Tests run with NODE_ENV=test, where the default is off.
    expect(await canPurchase()).toBe(true);
    const strict = await startMembers('strict', { REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE: true });
    try {
      await signUp(strict.url, email);
      const strictMember = await loggedIn(strict.url, email);
      const ask = () => graphqlData(strict.url, '{ me { canPurchase } }', {}, strictMember.headers);
      expect((await ask()).me.canPurchase).toBe(false);
      // The access token carries it too, so other subgraphs can refuse a purchase without asking members.
      expect(claimsOf(strictMember.accessToken).cp).toBe(false);
      await graphqlData(strict.url, VERIFY, { t: await strict.mail.tokenFor(email) });
      expect((await ask()).me.canPurchase).toBe(true);
      expect(claimsOf((await loggedIn(strict.url, email)).accessToken).cp).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

describe('passwords', () => {
  it('reset by a mailed single-use token ends every session', async () => {
    const email = uniqueEmail('reset');
    await signUp(members.url, email);
    const before = await loggedIn(members.url, email);
    expect((await graphqlData(members.url, 'mutation ($e: String!) { requestPasswordReset(email: $e) }', { e: email })).requestPasswordReset).toBe(true);
    const token = await members.mail.tokenFor(email, 2);
    expect((await graphqlData(members.url, RESET, { t: token, p: 'short' })).resetPassword.code).toBe('WEAK_PASSWORD');
    expect((await graphqlData(members.url, RESET, { t: token, p: 'a-brand-new-secret' })).resetPassword).toMatchObject({ __typename: 'Member' });
    expect((await graphqlData(members.url, RESET, { t: token, p: 'another-new-secret' })).resetPassword.code).toBe('INVALID_TOKEN');
    expect(await members.app.redis.exists(SessionLiveness.key(before.sessionId))).toBe(0);
    expect((await logIn(members.url, email, PASSWORD)).code).toBe('INVALID_CREDENTIALS');
    expect((await logIn(members.url, email, 'a-brand-new-secret')).__typename).toBe('Session');
  });

  it('requestPasswordReset answers true for an unknown email and sends nothing', async () => {
    const email = uniqueEmail('ghost');
    expect((await graphqlData(members.url, 'mutation ($e: String!) { requestPasswordReset(email: $e) }', { e: email })).requestPasswordReset).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(members.mail.to(email)).toHaveLength(0);
  });

  it('change checks the current password and ends the other sessions, not this one', async () => {
    const email = uniqueEmail('change');
    await signUp(members.url, email);
    const here = await loggedIn(members.url, email);
    const elsewhere = await loggedIn(members.url, email);
    expect((await graphqlData(members.url, CHANGE, { c: 'wrong-password!', n: 'new-password-123' }, here.headers)).changePassword.code).toBe(
      'INVALID_CREDENTIALS',
    );
    expect((await graphqlData(members.url, CHANGE, { c: PASSWORD, n: 'new-password-123' }, here.headers)).changePassword.__typename).toBe('Member');
    expect(await members.app.redis.exists(SessionLiveness.key(here.sessionId))).toBe(1);
    expect(await members.app.redis.exists(SessionLiveness.key(elsewhere.sessionId))).toBe(0);
    expect((await logIn(members.url, email, 'new-password-123')).__typename).toBe('Session');
  });

  it('change requires authentication', async () => {
    const response = await graphqlRequest(members.url, CHANGE, { c: PASSWORD, n: 'new-password-123' });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
