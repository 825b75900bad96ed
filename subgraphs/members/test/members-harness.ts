import type { SubgraphConfig } from '@commerce/kit';
import { asMember, graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { createApp } from '../src/app.js';
import type { MembersSettings } from '../src/config.js';
import { freePort, MailCatcher } from '@commerce/testkit';

/** Cheap hashing and fast mail retries: tests exercise the logic, not the cost. */
export const TEST_SETTINGS: Partial<MembersSettings> = {
  PASSWORD_HASH_COST: 10,
  MAIL_RETRY_BASE_DELAY_MS: 100,
  MAIL_RETRY_MAX_DELAY_MS: 400,
};

export interface MembersUnderTest extends RunningSubgraph {
  mail: MailCatcher;
}

/** The members app on a test database and Redis prefix, mailing into an in-process SMTP server. */
export async function startMembers(label: string, settings: Partial<MembersSettings & SubgraphConfig> = {}): Promise<MembersUnderTest> {
  const mail = await new MailCatcher(await freePort()).start();
  const running = await startTestSubgraph(
    (config) => createApp({ ...config, ...TEST_SETTINGS, SMTP_URL: mail.url, ...settings }),
    label,
  );
  return {
    ...running,
    mail,
    async close() {
      await running.close();
      await mail.stop();
    },
  };
}

export const PASSWORD = 'correct-horse-battery';

let counter = 0;
/** A unique email for this test run. */
export const uniqueEmail = (name = 'member') => `${name}.${Date.now().toString(36)}.${counter++}@example.com`;

const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) {
  __typename ... on Member { id name emailVerified roles } ... on ErrorResult { code message } } }`;

const LOG_IN = `mutation ($email: String!, $password: String!) { logIn(email: $email, password: $password) {
  __typename ... on Session { accessToken refreshToken expiresAt member { id } }
  ... on ErrorResult { code message } ... on LockedOut { retryAfterSeconds } } }`;

export async function signUp(url: string, email: string, password = PASSWORD, name = 'Test Member') {
  return (await graphqlData(url, SIGN_UP, { input: { email, password, name } })).signUp;
}

export async function logIn(url: string, email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return (await graphqlData(url, LOG_IN, { email, password }, headers)).logIn;
}

export interface TestMember {
  id: string;
  email: string;
  /** Signed identity headers as the gateway would forward them for this member's session. */
  headers: Record<string, string>;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

/** The payload of a JWT, unverified: for reading what the tests themselves just received. */
export const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sub: string; sid: string; roles: string[]; cp?: boolean };

/** Signs up and logs in; identity headers carry the session the login created. */
export async function newMember(url: string, name = 'member'): Promise<TestMember> {
  const email = uniqueEmail(name);
  const member = await signUp(url, email);
  if (member.__typename !== 'Member') throw new Error(JSON.stringify(member));
  return loggedIn(url, email);
}

export async function loggedIn(url: string, email: string, password = PASSWORD): Promise<TestMember> {
  const session = await logIn(url, email, password);
  if (session.__typename !== 'Session') throw new Error(JSON.stringify(session));
  const claims = claimsOf(session.accessToken);
  return {
    id: claims.sub,
    email,
    sessionId: claims.sid,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    // Signed afresh on each use: a signed identity is only valid for a minute.
    get headers() {
      return asMember(claims.sub, claims.roles as never, claims.sid);
    },
  };
}

export { graphqlData, graphqlRequest };
