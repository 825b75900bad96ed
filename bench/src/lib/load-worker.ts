/**
 * Load generator process (closed loop): `concurrency` workers each send one unit of work, wait for it, send the
 * next. A unit is a list of stages run in order, the requests of a stage in parallel (one POST for a gateway;
 * the subgraph fetches of a plan for the "direct" floor). Keep-alive connections per origin are reused (as many as
 * requests to it are in flight at once: `concurrency` for a single-request stage).
 * Prints "MEASURING" when the warm-up ends and "RESULT {…}" at the end. Input: BENCH_LOAD (JSON LoadSpec).
 */
import { RawHttpConnection, RawHttpPool } from './raw-http-client.js';

export interface LoadRequest {
  url: string;
  /** "__SEQ__" in the body is replaced by a number unique to each request (idempotency keys). */
  body: string;
  /** Bodies used in turn instead of `body`, one per request (varied variables). */
  bodies?: string[];
  /** Authorization headers used in turn, one per request (several members). */
  authorizations?: string[];
}

export interface LoadSpec {
  stages: LoadRequest[][];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  /** Latency of every measured unit, in ms. */
  latencies: number[];
}

const spec = JSON.parse(process.env.BENCH_LOAD!) as LoadSpec;
const pools = new Map<string, RawHttpPool>();
const pool = (origin: string) => {
  let found = pools.get(origin);
  if (!found) pools.set(origin, (found = new RawHttpPool(origin)));
  return found;
};
const prepared = spec.stages.map((stage) =>
  stage.map(({ url, body, bodies, authorizations }) => {
    const parsed = new URL(url);
    return { pool: pool(parsed.origin), path: parsed.pathname, body, bodies, authorizations, templated: body.includes('__SEQ__') };
  }),
);
const ACCEPT = 'Accept: application/graphql-response+json, application/json\r\n';

let seq = 0;
async function send(request: (typeof prepared)[number][number]): Promise<string | undefined> {
  const n = seq++;
  const body = request.bodies?.length
    ? request.bodies[n % request.bodies.length]!
    : request.templated
      ? request.body.replaceAll('__SEQ__', `${process.pid}-${n}`)
      : request.body;
  const auth = request.authorizations?.length ? `Authorization: ${request.authorizations[n % request.authorizations.length]!}\r\n` : '';
  const { status, body: text } = await request.pool.send(RawHttpConnection.post(request.pool.host, request.path, ACCEPT + auth, body));
  if (status !== 200 || text.includes('"errors"')) return `${status} ${text.slice(0, 300)}`;
  return undefined;
}

const started = performance.now();
const measureFrom = started + spec.warmupMs;
const end = measureFrom + spec.durationMs;
const latencies: number[] = [];
let errors = 0;
let firstError: string | undefined;
let measuring = false;

async function worker() {
  while (performance.now() < end) {
    const t0 = performance.now();
    let error: string | undefined;
    try {
      for (const stage of prepared) {
        const failures = (await Promise.all(stage.map(send))).filter(Boolean);
        if (failures.length) {
          error = failures[0];
          break;
        }
      }
    } catch (caught) {
      error = String(caught);
    }
    const t1 = performance.now();
    if (t0 >= measureFrom) {
      if (error) {
        errors++;
        firstError ??= error;
      } else latencies.push(Math.round((t1 - t0) * 100) / 100);
    } else if (!measuring && t1 >= measureFrom) {
      measuring = true;
      console.log('MEASURING');
    }
  }
}

const timer = setTimeout(() => {
  if (!measuring) {
    measuring = true;
    console.log('MEASURING');
  }
}, spec.warmupMs);
await Promise.all(Array.from({ length: spec.concurrency }, worker));
clearTimeout(timer);
const result: LoadResult = { requests: latencies.length, errors, firstError, seconds: spec.durationMs / 1000, latencies };
console.log(`RESULT ${JSON.stringify(result)}`);
for (const open of pools.values()) open.close();
