import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { cpuSeconds, rssMb } from '@commerce/testkit';
import type { LoadResult, LoadSpec } from './load-worker.js';
import { machineTicks, spawnTs, stealPercent } from './processes.js';
import { benchDir, percentile, sortNumbers } from './report.js';

export type { LoadRequest, LoadSpec } from './load-worker.js';

export interface MeasuredLoad extends LoadResult {
  /** Per watched pid: CPU used during the measured window, as % of one core. */
  cpuPercent: Record<number, number>;
  /** Per watched pid: RSS (MB) at the end of the window. */
  rss: Record<number, number>;
  /** The machine's steal over the measured window, % (see stealPercent). */
  stealPercent: number;
}

/** Runs one load-worker process; samples the CPU of `watch` pids over the measured window (after warm-up). */
export function runLoad(spec: LoadSpec, watch: number[]): Promise<MeasuredLoad> {
  return new Promise((resolve, reject) => {
    const child = spawnTs(join(benchDir, 'src/lib/load-worker.ts'), { BENCH_LOAD: JSON.stringify(spec) });
    let before: { at: number; cpu: number[]; machine: ReturnType<typeof machineTicks> } | undefined;
    let result: MeasuredLoad | undefined;
    const snapshot = () => ({ at: performance.now(), cpu: watch.map(cpuSeconds), machine: machineTicks() });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'MEASURING') before = snapshot();
      else if (line.startsWith('RESULT ')) {
        const after = snapshot();
        const start = before ?? after;
        const wall = (after.at - start.at) / 1000 || 1;
        const parsed = JSON.parse(line.slice(7)) as LoadResult;
        result = {
          ...parsed,
          cpuPercent: Object.fromEntries(watch.map((pid, i) => [pid, ((after.cpu[i]! - start.cpu[i]!) / wall) * 100])),
          rss: Object.fromEntries(watch.map((pid) => [pid, rssMb(pid)])),
          stealPercent: stealPercent(start.machine, after.machine),
        };
      } else console.log(`  [load] ${line}`);
    });
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load worker exited (${code}) without a result`))));
  });
}

/** Throughput and latency percentiles over several measured windows. */
export function summarize(runs: MeasuredLoad[]) {
  const latencies = sortNumbers(runs.flatMap((run) => run.latencies));
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  return {
    requests: latencies.length,
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    firstError: runs.find((run) => run.firstError)?.firstError,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    stealPercent: runs.reduce((sum, run) => sum + run.stealPercent * run.seconds, 0) / seconds,
  };
}
