/**
 * Baselines for the time-sale scenario, as a child process: BENCH_MODE=empty answers every POST at once (the
 * machine's HTTP ceiling); BENCH_MODE=rowlock claims one unit the naive way, a PostgreSQL row lock:
 * `update … set remaining = remaining - 1 where remaining > 0` plus a claim row, in one transaction.
 * BENCH_MODE=engine claims through inventory's own claim engine (the Redis Lua script) on the sale BENCH_SALE_ID,
 * in the same bare handler: with the row lock, it compares the two claim designs without GraphQL around them.
 * Env: PORT, BENCH_DATABASE_URL, BENCH_UNITS (row lock); BENCH_REDIS_URL, BENCH_REDIS_PREFIX, BENCH_SALE_ID,
 * BENCH_WARMUP_SALE_ID (engine). Prints "READY"; GET /remaining answers the units left. POST /warmup claims the same
 * way from another sale (a row of a million units; BENCH_WARMUP_SALE_ID), so a burst meets a warm server.
 * BENCH_WORKERS (1) processes serve the port (node:cluster), as many as the gateway's WORKERS in the same run.
 */
import { randomUUID } from 'node:crypto';
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { TimeSaleClaimEngine } from '@commerce/inventory';
import { createRedis } from '@commerce/kit';
import pg from 'pg';

const mode = process.env.BENCH_MODE;
const saleId = process.env.BENCH_SALE_ID ?? '';
const warmupSaleId = process.env.BENCH_WARMUP_SALE_ID ?? saleId;
const workers = Number(process.env.BENCH_WORKERS ?? 1);
/** This process answers requests: it is the only one, or a worker. */
const serves = cluster.isWorker || workers === 1;
const engine =
  mode === 'engine' && serves
    ? new TimeSaleClaimEngine(createRedis({ url: process.env.BENCH_REDIS_URL!, keyPrefix: process.env.BENCH_REDIS_PREFIX ?? '' }), {
        channelPrefix: process.env.BENCH_REDIS_PREFIX ?? '',
        holdMs: 600_000,
        rateLimit: 0,
        rateWindowMs: 1_000,
      })
    : undefined;
/** A handful of members, as through the gateway. */
const members = Array.from({ length: 22 }, () => randomUUID());
// Ten connections in all, however many workers share them: the row lock's rate is PostgreSQL's, as in earlier runs.
const pool = mode === 'rowlock' ? new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: Math.ceil(10 / workers) }) : undefined;
if (pool && cluster.isPrimary) {
  await pool.query('create table if not exists sale (id int primary key, remaining int not null)');
  await pool.query('create table if not exists claim (id bigserial primary key, sale_id int not null, key text unique not null)');
  await pool.query('truncate sale, claim');
  await pool.query('insert into sale values (1, $1), (2, 1000000)', [Number(process.env.BENCH_UNITS)]);
}

async function claim(key: string, warmup: boolean): Promise<string> {
  if (engine) {
    const outcome = await engine.claim({ saleId: warmup ? warmupSaleId : saleId, memberId: members[seq % members.length]!, quantity: 1, idempotencyKey: key });
    return `{"data":{"claim":{"__typename":"${outcome.kind === 'CLAIMED' ? 'TimeSaleClaim' : outcome.kind === 'SOLD_OUT' ? 'SoldOut' : outcome.kind}"}}}`;
  }
  const client = await pool!.connect();
  try {
    await client.query('begin');
    const updated = await client.query('update sale set remaining = remaining - 1 where id = $1 and remaining > 0 returning remaining', [warmup ? 2 : 1]);
    if (updated.rowCount === 0) {
      await client.query('rollback');
      return '{"data":{"claim":{"__typename":"SoldOut"}}}';
    }
    await client.query('insert into claim (sale_id, key) values ($1, $2)', [warmup ? 2 : 1, key]);
    await client.query('commit');
    return '{"data":{"claim":{"__typename":"TimeSaleClaim"}}}';
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

let seq = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/remaining') {
    const remaining = engine
      ? engine.readSale(saleId).then((sale) => sale?.remaining)
      : pool!.query('select remaining from sale where id = 1').then((r) => r.rows[0].remaining);
    void remaining.then((units) => res.end(JSON.stringify({ remaining: units })));
    return;
  }
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (!pool && !engine) return res.end('{"data":{"claim":{"__typename":"TimeSaleClaim"}}}');
    claim(`${process.pid}-${seq++}`, req.url === '/warmup').then(
      (body) => res.end(body),
      (error) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
if (!serves) {
  // The primary sets the tables up (above) and serves nothing: each worker has its own pool or engine.
  await pool?.end();
  let listening = 0;
  for (let i = 0; i < workers; i++) cluster.fork().on('listening', () => ++listening === workers && console.log('READY '));
  process.on('SIGTERM', () => {
    let exited = 0;
    cluster.on('exit', () => ++exited === workers && process.exit(0));
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  });
} else {
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT), '127.0.0.1', resolve));
  if (cluster.isPrimary) console.log('READY ');
  process.on('SIGTERM', () => {
    server.close();
    void Promise.all([pool?.end(), engine?.redis.quit()]).then(() => process.exit(0));
  });
}
