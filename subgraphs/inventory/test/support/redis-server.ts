import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, RedisServerProcess } from '@commerce/testkit';

const run = promisify(execFile);

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
