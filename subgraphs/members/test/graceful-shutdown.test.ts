import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { demoId } from '@commerce/demo-data';
import { createTestEnvironment, graphqlRequest, type TestEnvironment } from '@commerce/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnvironment;
let child: ChildProcess;

/** Starts the real `main.ts` process and resolves with the URL it prints once it listens. */
async function startProcess(): Promise<string> {
  child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: env.config.DATABASE_URL,
      REDIS_URL: env.config.REDIS_URL,
      REDIS_KEY_PREFIX: env.config.REDIS_KEY_PREFIX,
      SEED_DEMO: 'true',
      PASSWORD_HASH_COST: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/ready at (http:\/\/[^\s"]+)/);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

beforeAll(async () => {
  env = await createTestEnvironment('shutdown');
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await env?.dispose();
});

describe('SIGTERM', () => {
  it('stops accepting, lets the in-flight request finish, then exits 0', async () => {
    const url = await startProcess();
    const locker = new pg.Client({ connectionString: env.config.DATABASE_URL });
    await locker.connect();
    // Hold the member table so the next request is still running when the signal arrives.
    await locker.query('begin');
    await locker.query('lock table members.member in access exclusive mode');

    const inFlight = graphqlRequest(url, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { name } } }', {
      r: [{ __typename: 'Member', id: demoId('member:alice') }],
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));

    await expect(fetch(url.replace('/graphql', '/health'))).rejects.toThrow();
    expect(child.exitCode).toBeNull();

    await locker.query('commit');
    await locker.end();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.data._entities).toEqual([{ name: 'Alice Kim' }]);
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
