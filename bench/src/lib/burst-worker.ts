/**
 * Burst load process: sends BENCH_BURST (JSON: url, body with "__SEQ__", authorizations, count, connections) requests
 * all at once and classifies each answer by the `__typename` in it. Prints "RESULT {…}".
 */
import { Pool } from 'undici';

const spec = JSON.parse(process.env.BENCH_BURST!) as { url: string; body: string; authorizations: string[]; count: number; connections: number };
const target = new URL(spec.url);
const pool = new Pool(target.origin, { connections: spec.connections });
const outcomes: Record<string, number> = {};
const latencies: number[] = [];
let firstError: string | undefined;

const started = performance.now();
await Promise.all(
  Array.from({ length: spec.count }, async (_, i) => {
    const t0 = performance.now();
    let outcome: string;
    try {
      const response = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers: { 'content-type': 'application/json', ...(spec.authorizations.length ? { authorization: spec.authorizations[i % spec.authorizations.length]! } : {}) },
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
console.log(`RESULT ${JSON.stringify({ outcomes, latencies, wallMs, firstError })}`);
await pool.close();
