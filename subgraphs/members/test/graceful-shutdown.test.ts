import { fileURLToPath } from 'node:url';
import { demoId } from '@commerce/demo-data';
import { createTestEnvironment, graphqlRequest, type ServiceProcess, sigtermWhileHeld, startServiceProcess, type TestEnvironment } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnvironment;
let members: ServiceProcess | undefined;

beforeAll(async () => {
  env = await createTestEnvironment('shutdown');
});
afterAll(async () => {
  if (members && members.child.exitCode === null) members.child.kill('SIGKILL');
  await env?.dispose();
});

describe('SIGTERM', () => {
  it('stops accepting, lets the in-flight request finish, closes the app (workers, database, Redis), then exits 0', async () => {
    members = await startServiceProcess(fileURLToPath(new URL('..', import.meta.url)), {
      PORT: '0',
      DATABASE_URL: env.config.DATABASE_URL,
      REDIS_URL: env.config.REDIS_URL,
      REDIS_KEY_PREFIX: env.config.REDIS_KEY_PREFIX,
      SEED_DEMO: 'true',
      PASSWORD_HASH_COST: '10',
    });
    const url = members.url;
    // The member table held, so the request is still running when the signal arrives.
    const stop = await sigtermWhileHeld(members, {
      databaseUrl: env.config.DATABASE_URL,
      lockTable: 'members.member',
      request: () =>
        graphqlRequest(url, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { name } } }', {
          r: [{ __typename: 'Member', id: demoId('member:alice') }],
        }),
    });

    expect(stop.healthAnsweredAfterSignal).toBe(false);
    expect(stop.runningAfterSignal).toBe(true);
    expect(stop.answer.status).toBe(200);
    expect(stop.answer.data._entities).toEqual([{ name: 'Alice Kim' }]);
    expect(stop.exitCode).toBe(0);
    // The app's own close ran to its end (exitGracefullyOnSignals logs it), not an exit on a signal sent again.
    expect(members.output()).toContain('"msg":"stopped"');
  });
});
