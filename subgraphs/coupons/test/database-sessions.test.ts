import { eventually, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

let subgraph: RunningSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(createApp, 'db_sessions', { DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 300 });
});
afterAll(() => subgraph?.close());

const em = () => subgraph.app.orm.em.fork();

/** Every connection the app's pool handed out comes back (the app's own workers hold one now and then, briefly). */
async function poolAllBack() {
  const pool = await subgraph.app.orm.em.getConnection().getNativeClient();
  await eventually(() => expect(pool.totalCount - pool.idleCount).toBe(0), 3_000);
}

describe("a subgraph's PostgreSQL sessions", () => {
  it('carry the subgraph name and the idle-in-transaction timeout the config sets', async () => {
    const [session] = await em().execute(
      `select current_setting('application_name') as "name", current_setting('idle_in_transaction_session_timeout') as "timeout"`,
    );
    expect(session).toEqual({ name: 'coupons', timeout: '300ms' });
  });

  it("end a transaction left idle (a frozen process) and free its locks long before it would have finished", async () => {
    await em().execute(`create table "coupons"."session_probe" ("id" int primary key); insert into "coupons"."session_probe" values (1)`);
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    let stalledFinished = false;
    const stalled = em()
      .transactional(async (tx) => {
        await tx.execute(`select "id" from "coupons"."session_probe" where "id" = 1 for update`);
        locked();
        await sleep(3_000); // nothing sent meanwhile: PostgreSQL sees the session idle in its transaction
        await tx.execute(`update "coupons"."session_probe" set "id" = 2 where "id" = 1`);
      })
      .finally(() => (stalledFinished = true));
    await lockTaken;

    // Another session waits for the row, and gets it once PostgreSQL ends the stalled one, not when it wakes.
    await em().transactional((tx) => tx.execute(`select "id" from "coupons"."session_probe" where "id" = 1 for update`));
    expect(stalledFinished).toBe(false);
    await expect(stalled).rejects.toThrow(/connection/i);
    // Its write never happened; its connection went back to the pool (dropped), which serves on with fresh ones.
    expect(await em().execute(`select "id" from "coupons"."session_probe"`)).toEqual([{ id: 1 }]);
    await poolAllBack();
  });

  it('give the pool back the connection of a transaction whose session PostgreSQL ended mid-statement', async () => {
    // As a restart or a failover does to every open transaction: each one used to keep its pool slot for ever.
    for (let i = 0; i < 3; i++) {
      const ended = em().transactional(async (tx) => {
        const [session] = await tx.execute<{ pid: number }[]>(`select pg_backend_pid() as "pid"`);
        await Promise.all([tx.execute(`select pg_sleep(5)`), em().execute(`select pg_terminate_backend(?)`, [session!.pid])]);
      });
      await expect(ended).rejects.toThrow(/terminat/i);
      await poolAllBack();
    }
    expect(await em().execute(`select 1 as "one"`)).toEqual([{ one: 1 }]);
  });
});
