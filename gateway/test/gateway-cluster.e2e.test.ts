import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { demoId } from '@commerce/demo-data';
import {
  childPids,
  eventually,
  isAlive,
  type MetricSample,
  metricValue,
  openFileLimits,
  parseMetrics,
  rssMb,
  type ServiceProcess,
  startServiceProcess,
} from '@commerce/testkit';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHeldQueryAnswered, gatewayProcessEnv, stopWhileProductsHeld } from './gateway-process.js';
import { CLUSTER_SERIES } from './monitoring-config.js';
import { DEMO_PASSWORD, type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { collect } from './ws-client.js';

/*
 * The real main.ts with WORKERS=2: a node:cluster primary and two worker processes sharing one port (and one
 * METRICS_PORT), in front of the harness's real subgraphs. The tests run in order against the same cluster; the last
 * one stops it.
 */

let supergraph: RunningSupergraph;
let gateway: ServiceProcess | undefined;
let metricsUrl: string;
/** Every worker pid seen, so afterAll can kill any still alive. */
const seenWorkers = new Set<number>();

const MUG = demoId('variant:enamel-mug-white');
/** The requests of the first test, each worker answering half. */
const FIRST_SPREAD = 10;

// ---------------------------------------------------------------------------------------------------------------
// Processes, from /proc (Linux): the primary's children, and which of them holds a given accepted connection.

function isGatewayProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/main.ts');
  } catch {
    return false;
  }
}

function workerPids(): number[] {
  const pids = childPids(gateway!.child.pid!);
  for (const pid of pids) seenWorkers.add(pid);
  return pids;
}

/** The socket inode of the server's side of the loopback TCP connection serverPort <-> clientPort. */
function serverSocketInode(serverPort: number, clientPort: number): string {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      if (fields[1]!.endsWith(`:${hex(serverPort)}`) && fields[2]!.endsWith(`:${hex(clientPort)}`)) return fields[9]!;
    }
  }
  throw new Error(`no server-side socket for port ${serverPort} <- ${clientPort}`);
}

/** Which of `pids` holds the server's side of the connection from `clientPort` (exactly one must). */
function ownerOf(serverPort: number, clientPort: number, pids: number[]): number {
  const link = `socket:[${serverSocketInode(serverPort, clientPort)}]`;
  const owners = pids.filter((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === link;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
  if (owners.length !== 1) throw new Error(`connection from port ${clientPort} is held by ${JSON.stringify(owners)} of ${JSON.stringify(pids)}`);
  return owners[0]!;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP on a connection of its own, never a pooled one: node:cluster hands out connections, not requests.

interface Answer {
  status: number;
  body: any;
  /** Our side's port of the connection it went on (to find the worker that answered). */
  clientPort: number;
}

/**
 * One request on a new connection. With `keepOpen`, the connection stays open after the answer (returned with
 * `close`), so the worker holding it can still be found in /proc.
 */
async function send(
  url: string,
  { method = 'GET', body, headers = {} }: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  keepOpen = false,
): Promise<Answer & { close(): void }> {
  const agent = new Agent({ keepAlive: keepOpen, maxSockets: 1 });
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload).toString() }),
          ...(keepOpen ? {} : { connection: 'close' }),
          ...headers,
        },
      },
      (res) => {
        const clientPort = res.socket.localPort!;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (/metrics)
          }
          resolve({ status: res.statusCode!, body: parsed, clientPort, close: () => agent.destroy() });
        });
      },
    );
    req.on('error', (error) => {
      agent.destroy();
      reject(error);
    });
    req.end(payload);
  });
}

const graphql = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}, keepOpen = false) =>
  send(gateway!.url, { method: 'POST', body: { query, variables }, headers }, keepOpen);

async function scrape(): Promise<MetricSample[]> {
  const answer = await send(metricsUrl);
  expect(answer.status).toBe(200);
  return parseMetrics(answer.body as string);
}

const requestsOf = (samples: MetricSample[], operation: string) =>
  metricValue(samples, 'graphql_requests_total', { service: 'gateway', operation, outcome: 'ok' }) ?? 0;
const workersGauge = (samples: MetricSample[]) => metricValue(samples, 'gateway_workers', { service: 'gateway' });
const restarts = (samples: MetricSample[]) => metricValue(samples, 'gateway_worker_restarts_total', { service: 'gateway' });

const gatewayPort = () => Number(new URL(gateway!.url).port);

/**
 * `count` requests of the named operation, each on a connection of its own, all held open until every one is
 * answered; returns how many each worker pid answered.
 */
async function spread(operation: string, count: number): Promise<Map<number, number>> {
  const answers: (Answer & { close(): void })[] = [];
  try {
    // One after another: the primary hands each new connection to the next free worker in turn.
    for (let i = 0; i < count; i++) answers.push(await graphql(`query ${operation} { categories { slug } }`, {}, {}, true));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.categories.length).toBeGreaterThan(0);
    }
    const pids = workerPids();
    const perWorker = new Map<number, number>();
    for (const answer of answers) {
      const owner = ownerOf(gatewayPort(), answer.clientPort, pids);
      perWorker.set(owner, (perWorker.get(owner) ?? 0) + 1);
    }
    return perWorker;
  } finally {
    for (const answer of answers) answer.close();
  }
}

/** The primary's JSON log lines whose msg is `msg`. */
const logLines = (msg: string): Record<string, any>[] =>
  gateway!
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>)
    .filter((line) => line.msg === msg);

const occurrences = (text: string, part: string) => text.split(part).length - 1;

async function logIn(email: string): Promise<string> {
  const answer = await graphql(
    'mutation ($email: String!, $password: String!) { logIn(email: $email, password: $password) { __typename ... on Session { accessToken } } }',
    { email, password: DEMO_PASSWORD },
  );
  expect(answer.body.data?.logIn?.__typename).toBe('Session');
  return answer.body.data.logIn.accessToken as string;
}

// ---------------------------------------------------------------------------------------------------------------

/** The environment of main.ts as a cluster of two workers in front of the harness's subgraphs. */
const clusterEnv = () => gatewayProcessEnv(supergraph, { WORKERS: '2', METRICS_PORT: '0', SUBSCRIPTION_COALESCE_MS: '0' });

beforeAll(async () => {
  supergraph = await startSupergraph('gateway_cluster', { SUBSCRIPTION_COALESCE_MS: '0' });
  gateway = await startServiceProcess(fileURLToPath(new URL('..', import.meta.url)), clusterEnv());
  const [ready] = logLines(`gateway ready at ${gateway.url}`);
  expect(ready).toMatchObject({ workers: 2, url: gateway.url });
  metricsUrl = ready!.metricsUrl;
  expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  expect(new URL(metricsUrl).port).not.toBe(new URL(gateway.url).port);
}, 120_000);

afterAll(async () => {
  if (gateway) {
    for (const pid of childPids(gateway.child.pid!)) seenWorkers.add(pid);
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
  }
  for (const pid of seenWorkers) {
    // Only a gateway process still: a pid that exited may since have been given to another process.
    if (!isAlive(pid) || !isGatewayProcess(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  await supergraph?.close();
});

describe('gateway with WORKERS=2', () => {
  it('runs two worker processes that both serve the port, and /metrics on either sums them', async () => {
    const pids = workerPids();
    expect(pids).toHaveLength(2);

    const N = FIRST_SPREAD;
    const perWorker = await spread('ClusterSpread', N);
    // Connections are handed round-robin, so each worker answered half of them.
    expect([...perWorker.keys()].sort((a, b) => a - b)).toEqual(pids);
    expect([...perWorker.values()]).toEqual([N / 2, N / 2]);

    // One scrape, on whichever worker it reaches, counts what both answered (one worker's own count would be N/2).
    // Resident memory as /proc gives it: the two workers', and the primary's alone (its tree's less theirs).
    const memory = () => {
      const workers = pids.reduce((sum, pid) => sum + rssMb(pid), 0);
      return { workers, primary: rssMb(gateway!.child.pid!) - workers };
    };
    const before = memory();
    const samples = await scrape();
    const after = memory();
    expect(requestsOf(samples, 'ClusterSpread')).toBe(N);
    expect(metricValue(samples, 'graphql_request_duration_seconds_count', { service: 'gateway', operation: 'ClusterSpread' })).toBe(N);
    expect(workersGauge(samples)).toBe(2);
    expect(restarts(samples)).toBe(0);
    // A state is not summed: connected (1) where every worker's client is, not 2.
    expect(metricValue(samples, 'redis_client_connected', { service: 'gateway', client: 'sessions' })).toBe(1);
    // Nor a per-process limit: it is one worker's (a sum would be three times it).
    expect(metricValue(samples, 'process_max_fds', { service: 'gateway' })).toBe(openFileLimits(pids[0]!).soft);
    // The memory is the whole gateway's, the primary's (that no worker counts) with the workers': past what /proc gives
    // the workers either side of the scrape by more than half the primary's (some 200 MB under swc).
    const resident = metricValue(samples, 'process_resident_memory_bytes', { service: 'gateway' })! / 2 ** 20;
    expect(resident).toBeGreaterThan(Math.max(before.workers, after.workers) + Math.min(before.primary, after.primary) / 2);
    // The series only a cluster has, which the alert rules may read (see monitoring-config), are there.
    const names = new Set(samples.map((sample) => sample.name));
    for (const name of CLUSTER_SERIES) expect(names.has(name), name).toBe(true);

    // Two scrapes in turn reach the two workers (METRICS_PORT is handed round-robin too), and each answers the same sum.
    const scrapes = [await send(metricsUrl, {}, true), await send(metricsUrl, {}, true)];
    try {
      const metricsPort = Number(new URL(metricsUrl).port);
      expect(scrapes.map((answer) => ownerOf(metricsPort, answer.clientPort, pids)).sort((a, b) => a - b)).toEqual(pids);
      for (const answer of scrapes) expect(requestsOf(parseMetrics(answer.body as string), 'ClusterSpread')).toBe(N);
    } finally {
      for (const answer of scrapes) answer.close();
    }
  });

  it('delivers a stock change to live subscriptions on both workers', async () => {
    const token = await logIn('joon@demo.commerce');
    const pids = workerPids();
    const clientPorts: number[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.once('upgrade', (response) => clientPorts.push(response.socket.localPort!));
      }
    }
    const url = gateway!.url.replace(/^http/, 'ws');
    const clients = [0, 1].map(() => createClient({ url, webSocketImpl: TrackedWebSocket, retryAttempts: 0, lazy: true }));
    const query = `subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { variantId available } }`;
    const streams = [];
    try {
      // One connection after the other, so the primary hands them to the two workers in turn.
      for (const client of clients) {
        const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
        streams.push(collect(client, query, { ids: [MUG] }));
        await connected;
      }
      expect(clientPorts).toHaveLength(2);
      const owners = clientPorts.map((port) => ownerOf(gatewayPort(), port, pids));
      expect(owners.sort((a, b) => a - b)).toEqual(pids);

      // Each worker has its subscriber and its own upstream subscription (one process would share one upstream).
      await eventually(async () => {
        const samples = await scrape();
        expect(metricValue(samples, 'gateway_subscriptions_active', { service: 'gateway' })).toBe(2);
        expect(metricValue(samples, 'gateway_upstream_subscriptions', { service: 'gateway' })).toBe(2);
      });
      // As subscriptions.e2e.test.ts does: time for inventory to listen on the variant's Redis channel.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const adjusted = await graphql(
        `mutation ($v: ID!, $d: Int!) { adjustStock(variantId: $v, delta: $d, reason: "cluster e2e") { __typename ... on StockLevel { available } } }`,
        { v: MUG, d: -2 },
        { authorization: `Bearer ${token}` },
      );
      expect(adjusted.body.data.adjustStock.__typename).toBe('StockLevel');
      const available = adjusted.body.data.adjustStock.available as number;
      for (const stream of streams) {
        await stream.waitFor((events) => events.length >= 1, 10_000);
        expect(stream.events).toEqual([{ stockChanged: { variantId: MUG, available } }]);
        expect(stream.errors).toEqual([]);
      }
    } finally {
      for (const stream of streams) stream.stop();
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('replaces a worker killed with SIGKILL, serving meanwhile, and counts the restart', async () => {
    const before = workerPids();
    expect(before).toHaveLength(2);
    const [victim, survivor] = before as [number, number];
    process.kill(victim, 'SIGKILL');

    const exited = await eventually(() => {
      const [line] = logLines('a gateway worker exited; starting another');
      if (!line) throw new Error('the primary has not noticed the exit');
      return line;
    }, 10_000);
    expect(exited).toMatchObject({ worker: victim, signal: 'SIGKILL', restartInMs: 0 });

    // Until the replacement listens, one worker serves, and the gauge says so (a worker boots in seconds).
    const during = await scrape();
    expect(logLines('gateway worker ready')).toEqual([]);
    expect(workersGauge(during)).toBe(1);
    expect(restarts(during)).toBe(1);
    // The victim's half of the first test's requests is still counted (as a scrape last saw it): a total that went
    // down would read to Prometheus as a reset.
    expect(requestsOf(during, 'ClusterSpread')).toBe(FIRST_SPREAD);
    for (let i = 0; i < 6; i++) {
      const answer = await graphql('query ClusterDuringRestart { categories { slug } }');
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.categories.length).toBeGreaterThan(0);
    }

    const ready = await eventually(() => {
      const [line] = logLines('gateway worker ready');
      if (!line) throw new Error('no replacement is ready yet');
      return line;
    }, 30_000);
    const replacement = ready.worker as number;
    expect(before).not.toContain(replacement);
    expect(isAlive(victim)).toBe(false);
    expect(workerPids()).toEqual([survivor, replacement].sort((a, b) => a - b));

    const after = await scrape();
    expect(workersGauge(after)).toBe(2);
    expect(restarts(after)).toBe(1);
    expect(requestsOf(after, 'ClusterSpread')).toBe(FIRST_SPREAD);

    // The replacement takes its turn at the port, and its count is in the sum.
    const N = 10;
    const perWorker = await spread('ClusterAfterRestart', N);
    expect([...perWorker.keys()].sort((a, b) => a - b)).toEqual([survivor, replacement].sort((a, b) => a - b));
    expect([...perWorker.values()]).toEqual([N / 2, N / 2]);
    expect(requestsOf(await scrape(), 'ClusterAfterRestart')).toBe(N);
  });

  it('on SIGTERM to the primary, tells every worker to stop, lets the in-flight request finish, and exits 0', async () => {
    const workers = workerPids();
    expect(workers).toHaveLength(2);
    expectHeldQueryAnswered(await stopWhileProductsHeld(gateway!, supergraph));
    for (const pid of workers) expect(isAlive(pid)).toBe(false);

    const output = gateway!.output();
    expect(occurrences(output, 'SIGTERM received: finishing in-flight requests')).toBe(1);
    expect(occurrences(output, 'told to stop by the primary: finishing in-flight requests')).toBe(2);
    // Each worker's close and then the primary's ran to their end.
    expect(occurrences(output, '"msg":"stopped"')).toBe(3);
    expect(output).not.toContain('did not stop cleanly');
  });

  it("on Ctrl-C (SIGINT to the whole process group), drains each worker once and exits 0", async () => {
    // A cluster of its own, in its own process group: the primary and both workers get the signal, and each worker
    // also gets the primary's word to stop; neither may count as a second signal (which exits at once).
    const grouped = await startServiceProcess(fileURLToPath(new URL('..', import.meta.url)), clusterEnv(), { processGroup: true });
    const workers = childPids(grouped.child.pid!);
    for (const pid of workers) seenWorkers.add(pid);
    try {
      expect(workers).toHaveLength(2);
      const stop = await stopWhileProductsHeld(grouped, supergraph, true);
      expect(stop.runningAfterSignal).toBe(true);
      expect(stop.answer.status).toBe(200);
      expect(stop.answer.data.products.edges).toHaveLength(1);
      expect(stop.exitCode).toBe(0);
      for (const pid of workers) expect(isAlive(pid)).toBe(false);
      const output = grouped.output();
      // The primary heard it; a worker may hear the primary's word first and then the signal, or only the word, if it
      // has stopped before it handles the signal.
      expect(output).toContain('"service":"gateway","msg":"SIGINT received: finishing in-flight requests"');
      expect(occurrences(output, '"msg":"stopped"'), output).toBe(3);
      expect(output).not.toContain('did not stop cleanly');
    } finally {
      if (grouped.child.exitCode === null) grouped.child.kill('SIGKILL');
    }
  }, 60_000);

  it('stops at once, exiting 0, when SIGTERM comes while its workers are still starting', async () => {
    const starting = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, NODE_ENV: 'development', ...clusterEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    starting.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    starting.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(starting, 'exit');
    try {
      // Both workers forked, neither listening yet (a worker takes seconds to load and start its app).
      await eventually(() => expect(childPids(starting.pid!)).toHaveLength(2), 10_000, 20);
      const workers = childPids(starting.pid!);
      for (const pid of workers) seenWorkers.add(pid);
      const signalled = Date.now();
      starting.kill('SIGTERM');
      const [code] = await exited;
      expect(output).not.toContain('ready at');
      expect(code).toBe(0);
      // Not after starting up (seconds), nor the primary's wait for workers that never heard (SHUTDOWN_GRACE_MS and 10 s more).
      expect(Date.now() - signalled).toBeLessThan(5_000);
      for (const pid of workers) expect(isAlive(pid)).toBe(false);
      expect(output).not.toContain('did not stop cleanly');
    } finally {
      if (starting.exitCode === null) starting.kill('SIGKILL');
    }
  }, 30_000);
});
