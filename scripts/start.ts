/**
 * `npm start`: runs the whole supergraph on this machine. Checks PostgreSQL and Redis, creates the database,
 * starts the five subgraphs (each migrates and loads demo data into an empty database), then the gateway,
 * and prints the gateway URL. Ctrl-C stops everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startDevMailCatcher } from './dev-mail-catcher.ts';
import { SERVICE_NODE_ARGS } from './service-node-args.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/commerce';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const GATEWAY_PORT = Number(process.env.PORT ?? 4000);

const services = [
  { name: 'members', dir: 'subgraphs/members', port: 4001 },
  { name: 'catalog', dir: 'subgraphs/catalog', port: 4002 },
  { name: 'inventory', dir: 'subgraphs/inventory', port: 4003 },
  { name: 'orders', dir: 'subgraphs/orders', port: 4004 },
  { name: 'coupons', dir: 'subgraphs/coupons', port: 4005 },
];

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

async function ensureDatabase() {
  const target = new URL(DATABASE_URL);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (error) {
    fail(
      `PostgreSQL is not reachable at ${admin.host} (tried ${DATABASE_URL}): ${(error as Error).message}\n` +
        'Start it (on Debian: pg_ctlcluster 15 main start; with Docker: docker compose up -d postgres),\n' +
        'or point DATABASE_URL at a running server.',
    );
  }
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`create database "${name.replace(/"/g, '""')}"`);
      console.log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

async function checkRedis() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The failure surfaces from connect() below, with a message; the event would only repeat it.
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    fail(
      `Redis is not reachable at ${REDIS_URL}: ${(error as Error).message}\n` +
        'Start it (redis-server --daemonize yes; with Docker: docker compose up -d redis), or point REDIS_URL at a running server.',
    );
  } finally {
    redis.disconnect();
  }
}

const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 12_000).unref();
  Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve)))).then(() => process.exit(code));
}

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) {
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
}

function startService(name: string, dir: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, '--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    cwd: join(root, dir),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(name, child.stdout!, process.stdout);
  prefixLines(name, child.stderr!, process.stderr);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[${name}] exited (${signal ?? code}); stopping the supergraph`);
      stopAll(1);
    }
  });
  children.push(child);
}

async function waitUntilReady(name: string, url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.error(`${name} did not become ready at ${url} within ${timeoutMs / 1000}s`);
  stopAll(1);
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

await ensureDatabase();
await checkRedis();

// Without an SMTP server of your own, mails are caught here and their links printed.
let SMTP_URL = process.env.SMTP_URL;
if (!SMTP_URL && (await startDevMailCatcher(1025))) {
  SMTP_URL = 'smtp://127.0.0.1:1025';
  console.log('mail goes to a local catcher: links in mails are printed here with [mail]');
}
const ADMIN_EMAIL = process.env.ADMIN_EMAIL ?? 'admin@demo.commerce';
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? 'demo-admin-password';
const shared = {
  DATABASE_URL,
  REDIS_URL,
  SEED_DEMO: process.env.SEED_DEMO ?? 'true',
  ...(SMTP_URL ? { SMTP_URL } : {}),
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
};
for (const service of services) startService(service.name, service.dir, { ...shared, PORT: String(service.port) });
await Promise.all(services.map((s) => waitUntilReady(s.name, `http://127.0.0.1:${s.port}/ready`)));

startService('gateway', 'gateway', { PORT: String(GATEWAY_PORT), REDIS_URL });
await waitUntilReady('gateway', `http://127.0.0.1:${GATEWAY_PORT}/health`);
if (!stopping) {
  console.log(`\nThe supergraph is up: http://localhost:${GATEWAY_PORT}/graphql (open it in a browser for Apollo Sandbox)`);
  console.log(`Log in as ${ADMIN_EMAIL} / ${ADMIN_PASSWORD} (admin), or mina@demo.commerce, joon@demo.commerce (sellers),`);
  console.log('alice@demo.commerce, bob@demo.commerce (customers), all with the password demo-password-1.\n');
}
