import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './mail-catcher.js';

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

  /**
   * Starts the server and waits until it answers. Throws PortTakenError when its port turned out to be another's: the
   * port was free when picked, but test files run in parallel, and another's redis-server may have bound it first;
   * a test must never run against a server it did not start (another file's restarts and flushes would be its own).
   */
  async start(): Promise<this> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...this.extraArgs],
      { stdio: 'ignore' },
    );
    this.child = child;
    const client = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {}); // refused while the server starts: retried below
    for (let attempt = 0; ; attempt++) {
      let info: string;
      try {
        await client.connect();
        info = await client.info('server');
      } catch (error) {
        client.disconnect();
        if (child.exitCode !== null || child.signalCode !== null) throw new PortTakenError(this.port);
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      client.disconnect();
      if (new RegExp(`^process_id:${child.pid}\\r?$`, 'm').test(info)) return this;
      await this.stop();
      throw new PortTakenError(this.port);
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await new RedisServerProcess(await freePort(), extraArgs).start();
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 5) throw error;
    }
  }
}

/** The port picked for a redis-server was bound by another process before it (see RedisServerProcess.start). */
export class PortTakenError extends Error {
  constructor(port: number) {
    super(`port ${port} was taken by another process before redis-server could bind it`);
  }
}
