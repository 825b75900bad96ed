/**
 * Burst load process: sends BENCH_BURST (JSON: url, body with "__SEQ__", authorizations, count, connections,
 * warmup) requests all at once and classifies each answer by the `__typename` in it. Every buyer presses at the
 * burst's start and is timed from it; `connections` keep-alive connections carry them, each taking the next buyer
 * waiting as soon as its answer is in. Prints "RESULT {…}", with the CPU time this process used over the burst.
 *
 * It first runs `warmup` (closed loop, over the same connections): the buyers of a time sale have the shop open,
 * their connections are up, and this process's own code is compiled, so the burst measures the servers and not a cold
 * client opening a thousand sockets. BENCH_BURST_COLD=1 skips it. With `waitAfterWarmup`, it then says "WARMED" and
 * bursts on a "GO" line from its parent.
 */
import { createInterface } from 'node:readline';
import { RawHttpConnection } from './raw-http-client.js';

const spec = JSON.parse(process.env.BENCH_BURST!) as {
  url: string;
  body: string;
  authorizations: string[];
  count: number;
  connections: number;
  warmup: { path: string; body: string; durationMs: number };
  /** After the warm-up, print "WARMED" and wait for a "GO" line on standard input before the burst. */
  waitAfterWarmup: boolean;
};
const target = new URL(spec.url);
const connections = await Promise.all(
  Array.from({ length: spec.connections }, () => RawHttpConnection.open(target.hostname, Number(target.port || 80))),
);
const requestFor = (path: string, body: string, i: number) =>
  RawHttpConnection.post(
    target.host,
    path,
    spec.authorizations.length ? `Authorization: ${spec.authorizations[i % spec.authorizations.length]}\r\n` : '',
    body,
  );

let warmupErrors = 0;
if (process.env.BENCH_BURST_COLD !== '1') {
  const until = performance.now() + spec.warmup.durationMs;
  let seq = 0;
  await Promise.all(
    connections.map(async (connection) => {
      while (performance.now() < until) {
        const n = seq++;
        try {
          const answer = await connection.send(requestFor(spec.warmup.path, spec.warmup.body.replaceAll('__SEQ__', `w${process.pid}-${n}`), n));
          if (answer.status !== 200) warmupErrors++;
        } catch {
          warmupErrors++; // counted and reported; a failed warm-up request must not end the run
        }
      }
    }),
  );
}

const outcomes: Record<string, number> = {};
const latencies: number[] = [];
let firstError: string | undefined;

if (spec.waitAfterWarmup) {
  console.log('WARMED');
  let go = false;
  for await (const line of createInterface({ input: process.stdin })) {
    go = line === 'GO';
    if (go) break;
  }
  // Standard input closed without a GO: the parent is gone or gave up waiting, and nobody would read the result.
  if (!go) process.exit(1);
}
console.log('BURSTING');
const started = performance.now();
const cpuBefore = process.cpuUsage();
// Every buyer presses at the burst's start; each connection takes the next buyer waiting as soon as it is free.
let nextBuyer = 0;
await Promise.all(
  connections.map(async (connection) => {
    for (let i = nextBuyer++; i < spec.count; i = nextBuyer++) {
      let outcome: string;
      try {
        const { status, body: text } = await connection.send(requestFor(target.pathname, spec.body.replaceAll('__SEQ__', `${process.pid}-${i}`), i));
        outcome = text.includes('"RATE_LIMITED"')
          ? 'RATE_LIMITED'
          : status !== 200 || text.includes('"errors"')
            ? 'error'
            : (/"__typename":"(\w+)"/.exec(text)?.[1] ?? 'unknown');
        if (outcome === 'error') firstError ??= `${status} ${text.slice(0, 300)}`;
      } catch (error) {
        outcome = 'error';
        firstError ??= String(error);
      }
      latencies.push(performance.now() - started);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  }),
);
const wallMs = performance.now() - started;
const cpuUsed = process.cpuUsage(cpuBefore);
const clientCpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
console.log(`RESULT ${JSON.stringify({ outcomes, latencies, wallMs, firstError, warmupErrors, clientCpuSeconds })}`);
for (const connection of connections) connection.close();
