import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './catalog-stub.js';

const run = promisify(execFile);

/** A redis-server of the test's own on a loopback port, without persistence: a restart loses everything. */
export class RedisServerProcess {
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<this> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...this.extraArgs],
      { stdio: 'ignore' },
    );
    const client = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {}); // refused while the server starts: retried below
    for (let attempt = 0; ; attempt++) {
      try {
        await client.connect();
        await client.ping();
        client.disconnect();
        return this;
      } catch (error) {
        client.disconnect();
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Kills the server (no save): its data is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServerProcess> {
  return new RedisServerProcess(await freePort(), extraArgs).start();
}

/** Three cluster-enabled masters on loopback, joined by `redis-cli --cluster create`; `stop` kills them and removes their files. */
export async function startRedisCluster(): Promise<{ nodes: { host: string; port: number }[]; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ts-cluster-'));
  const servers: RedisServerProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      servers.push(
        await new RedisServerProcess(port, ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir]).start(),
      );
    }
    await run('redis-cli', ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Wait until every node agrees the cluster is up.
    for (const server of servers) {
      const client = new Redis(server.port, '127.0.0.1');
      try {
        for (let attempt = 0; !(await client.cluster('INFO')).includes('cluster_state:ok'); attempt++) {
          if (attempt > 200) throw new Error('cluster did not come up');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        client.disconnect();
      }
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
