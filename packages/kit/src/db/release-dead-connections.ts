import type pg from 'pg';

/**
 * Gives the pool back a connection that died while checked out. Kysely, under MikroORM, releases a transaction's
 * connection only once its COMMIT or ROLLBACK succeeds, and on a connection the server has ended (a restart, a
 * failover, `pg_terminate_backend`, the idle-in-transaction timeout) the ROLLBACK fails too: the connection would stay
 * checked out for ever, each such transaction costing the pool a slot until every query of the process waits for one
 * and shutdown waits for ever. pg reports the death as an `error` event on the client; the pool then drops it.
 */
export function releaseDeadConnections(pool: pg.Pool) {
  const checkedOut = new WeakSet<pg.PoolClient>();
  const watched = new WeakSet<pg.PoolClient>();
  pool.on('release', (_error, client) => checkedOut.delete(client as pg.PoolClient));
  pool.on('acquire', (client) => {
    checkedOut.add(client);
    if (watched.has(client)) return;
    watched.add(client);
    client.on('error', (error) => {
      // An idle client's death is the pool's own business (it removes the client itself).
      if (!checkedOut.has(client)) return;
      const release = client.release;
      // Whoever holds the client may still release it (a plain query does, in a finally): by then it is gone.
      client.release = () => {};
      release(error);
    });
  });
}
