import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SERVICE_NODE_ARGS } from '../../../scripts/service-node-args.js';
import { repoRoot } from './report.js';

let childFileLimit: number | undefined;

/** Children started from now on raise their soft open-files limit to `limit` (at most the hard limit). */
export function setChildFileLimit(limit: number) {
  childFileLimit = limit;
}

/**
 * Every child (ours and the peers alike) runs TypeScript the way the services do, with the same Node flags, with Apollo's
 * telemetry off. A caller's `nodeArgs` come after the services' flags, so they can override one (another young
 * generation size, say) for an experiment. `stdin: 'pipe'` for a child that waits to be told something.
 */
export function spawnTs(file: string, env: Record<string, string> = {}, nodeArgs: string[] = [], stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const args = [...SERVICE_NODE_ARGS, ...nodeArgs, '--import', '@swc-node/register/esm-register', file];
  const [command, argv] = childFileLimit
    ? ['/bin/sh', ['-c', `ulimit -n ${childFileLimit} && exec "$0" "$@"`, process.execPath, ...args]]
    : [process.execPath, args];
  return spawn(command as string, argv as string[], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true', ...env },
    stdio: [stdin, 'pipe', 'inherit'],
  });
}

/** A stdout line's text: the `msg` of a JSON log line (our apps log with pino), else the line itself. */
function lineText(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const msg = (JSON.parse(line) as { msg?: unknown }).msg;
    return typeof msg === 'string' ? msg : line;
  } catch {
    return line;
  }
}

/**
 * Resolves with the rest of the first stdout line (or JSON log line's message) starting with `marker` (e.g.
 * "READY "); other lines are echoed with a prefix. Rejects if the child exits first or the timeout passes.
 */
export function waitForLine(child: ChildProcess, marker: string, label: string, timeoutMs = 180_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: no "${marker.trim()}" within ${timeoutMs} ms`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    let done = false;
    lines.on('line', (line) => {
      const text = lineText(line);
      if (!done && text.startsWith(marker)) {
        done = true;
        clearTimeout(timer);
        resolve(text.slice(marker.length));
      } else if (process.env.BENCH_VERBOSE || !line.startsWith('{')) {
        console.log(`  [${label}] ${line}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`${label} exited (${code}) before it was ready`));
    });
  });
}

/** Stops a child we started (SIGTERM, then SIGKILL after a grace period). */
export async function stop(child: ChildProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The machine's CPU time so far, in clock ticks: all of it, and the part the hypervisor gave to other guests. */
export interface MachineTicks {
  all: number;
  steal: number;
}

/** Reads the first line of /proc/stat: user nice system idle iowait irq softirq steal … */
export function machineTicks(): MachineTicks {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return { all: fields.reduce((sum, ticks) => sum + ticks, 0), steal: fields[7] ?? 0 };
}

/**
 * Steal between two readings, as % of the machine's time: the share of our cores' time that the host ran other
 * guests on. On a shared virtual machine it swings from run to run and slows every target; a table row with a
 * high figure was measured on a busy host.
 */
export function stealPercent(before: MachineTicks, after: MachineTicks): number {
  const all = after.all - before.all;
  return all > 0 ? ((after.steal - before.steal) / all) * 100 : 0;
}
