import { createInterface } from 'node:readline';
import { join } from 'node:path';
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
}

/** Runs one burst-worker process: `count` claims at once over up to 1,000 connections, after a 3 s warm-up. */
export function burst({ url, body, authorizations, count, warmup }: BurstSpec): Promise<BurstResult> {
  const warmupUrl = new URL(warmup.url);
  if (warmupUrl.origin !== new URL(url).origin) throw new Error("the warm-up must use the burst target's origin");
  const child = spawnTs(join(benchDir, 'src/lib/burst-worker.ts'), {
    BENCH_BURST: JSON.stringify({
      url,
      body,
      authorizations,
      count,
      connections: Math.min(count, 1_000),
      warmup: { path: warmupUrl.pathname, body: warmup.body, durationMs: 3_000 },
    }),
  });
  // The machine's steal is read over the burst itself, from the worker's "BURSTING" line (after its warm-up).
  let before = machineTicks();
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'BURSTING') before = machineTicks();
      else if (line.startsWith('RESULT ')) resolve({ ...JSON.parse(line.slice(7)), stealPercent: stealPercent(before, machineTicks()) });
    });
    child.once('exit', (code) => code !== 0 && reject(new Error(`burst worker exited ${code}`)));
  });
}
