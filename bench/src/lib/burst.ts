import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { cpuSeconds } from '@commerce/testkit';
import { machineTicks, spawnTs, stealPercent } from './processes.js';
import { benchDir } from './report.js';

export interface BurstSpec {
  url: string;
  /** The request body, with "__SEQ__" where each buyer's own idempotency key goes. */
  body: string;
  /** Authorization header values, used in turn; empty for the bare handlers. */
  authorizations: string[];
  count: number;
  /** Warmed up first on this URL (the burst target's origin) and body, from the burst's own connections. */
  warmup: { url: string; body: string };
  /** Server processes whose CPU time over the burst is reported, by name. */
  servers?: Record<string, number>;
  /**
   * Awaited between the warm-up and the burst, which starts once it resolves: the work the warm-up left behind (a
   * consumer writing its claims to PostgreSQL) is done before, not during, the burst it would slow down.
   */
  settle?: () => Promise<void>;
}

export interface BurstResult {
  /** Answers by `__typename` (or "error", "RATE_LIMITED"). */
  outcomes: Record<string, number>;
  latencies: number[];
  wallMs: number;
  firstError?: string;
  warmupErrors: number;
  /** The host's steal over the burst itself (after the worker's warm-up). */
  stealPercent: number;
  /** CPU seconds over the burst: the load generator's ("client") and each named server's. */
  cpuSeconds: Record<string, number>;
}

/** Runs one burst-worker process: `count` claims at once over up to 1,000 connections, after a 3 s warm-up. */
export function burst({ url, body, authorizations, count, warmup, servers = {}, settle }: BurstSpec): Promise<BurstResult> {
  const warmupUrl = new URL(warmup.url);
  if (warmupUrl.origin !== new URL(url).origin) throw new Error("the warm-up must use the burst target's origin");
  const spec = {
    url,
    body,
    authorizations,
    count,
    connections: Math.min(count, 1_000),
    warmup: { path: warmupUrl.pathname, body: warmup.body, durationMs: 3_000 },
    waitAfterWarmup: settle !== undefined,
  };
  const child = spawnTs(join(benchDir, 'src/lib/burst-worker.ts'), { BENCH_BURST: JSON.stringify(spec) }, [], settle ? 'pipe' : 'ignore');
  // A worker that died while the burst waited breaks the pipe (EPIPE): its exit code rejects the burst, not this.
  child.stdin?.on('error', () => {});
  // The machine's steal and the servers' CPU are read over the burst itself, from the worker's "BURSTING" line (after
  // its warm-up) to its result.
  const serverCpu = () => Object.fromEntries(Object.entries(servers).map(([name, pid]) => [name, cpuSeconds(pid)]));
  let before = { ticks: machineTicks(), cpu: serverCpu() };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'WARMED') {
        settle!().then(
          () => child.stdin!.end('GO\n'),
          (error: unknown) => {
            child.kill();
            reject(error);
          },
        );
      } else if (line === 'BURSTING') before = { ticks: machineTicks(), cpu: serverCpu() };
      else if (line.startsWith('RESULT ')) {
        const { clientCpuSeconds, ...result } = JSON.parse(line.slice(7));
        const after = serverCpu();
        const cpu = Object.fromEntries(Object.entries(after).map(([name, seconds]) => [name, seconds - before.cpu[name]!]));
        resolve({ ...result, stealPercent: stealPercent(before.ticks, machineTicks()), cpuSeconds: { client: clientCpuSeconds, ...cpu } });
      }
    });
    child.once('exit', (code) => code !== 0 && reject(new Error(`burst worker exited ${code}`)));
  });
}
