/**
 * Burst load process: sends BENCH_BURST (JSON: url, body with "__SEQ__", authorizations, count, connections,
 * warmup) requests all at once and classifies each answer by the `__typename` in it. Prints "RESULT {…}".
 *
 * It first runs `warmup` (closed loop, `connections` clients, same origin, so the same pool): the buyers of a time
 * sale have the shop open, its connections are up, and this process's own code is compiled, so the burst measures
 * the servers and not a cold client opening a thousand sockets. BENCH_BURST_COLD=1 skips it.
 */
import { Pool } from 'undici';

const spec = JSON.parse(process.env.BENCH_BURST!) as {
  url: string;
  body: string;
  authorizations: string[];
  count: number;
  connections: number;
  warmup: { path: string; body: string; durationMs: number };
};
const target = new URL(spec.url);
const pool = new Pool(target.origin, { connections: spec.connections });
const headersFor = (i: number) => ({
  'content-type': 'application/json',
  ...(spec.authorizations.length ? { authorization: spec.authorizations[i % spec.authorizations.length]! } : {}),
});

let warmupErrors = 0;
if (process.env.BENCH_BURST_COLD !== '1') {
  const until = performance.now() + spec.warmup.durationMs;
  let seq = 0;
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (performance.now() < until) {
        const n = seq++;
        try {
          const response = await pool.request({ method: 'POST', path: spec.warmup.path, headers: headersFor(n), body: spec.warmup.body.replaceAll('__SEQ__', `w${process.pid}-${n}`) });
          await response.body.text();
          if (response.statusCode !== 200) warmupErrors++;
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

console.log('BURSTING');
const started = performance.now();
await Promise.all(
  Array.from({ length: spec.count }, async (_, i) => {
    const t0 = performance.now();
    let outcome: string;
    try {
      const response = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers: headersFor(i),
        body: spec.body.replaceAll('__SEQ__', `${process.pid}-${i}`),
      });
      const text = await response.body.text();
      outcome = text.includes('"RATE_LIMITED"')
        ? 'RATE_LIMITED'
        : response.statusCode !== 200 || text.includes('"errors"')
          ? 'error'
          : (/"__typename":"(\w+)"/.exec(text)?.[1] ?? 'unknown');
      if (outcome === 'error') firstError ??= `${response.statusCode} ${text.slice(0, 300)}`;
    } catch (error) {
      outcome = 'error';
      firstError ??= String(error);
    }
    latencies.push(performance.now() - t0);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }),
);
const wallMs = performance.now() - started;
console.log(`RESULT ${JSON.stringify({ outcomes, latencies, wallMs, firstError, warmupErrors })}`);
await pool.close();
