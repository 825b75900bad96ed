import { randomUUID } from 'node:crypto';
import { type Orm, type ServiceClient, uuidv7 } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CouponsConfig } from '../config.js';

const MEMBERS_BY_DOMAIN = `query ($domain: String!, $after: ID, $first: Int!) { membersByEmailDomain(domain: $domain, after: $after, first: $first) }`;

interface GrantRow {
  id: string;
  template_id: string;
  email_domain: string | null;
  collected: boolean;
  collect_cursor: string | null;
  grant_cursor: string | null;
  failed_attempts: number;
}

export interface GrantWorker {
  /** Look for work now (a grant was requested or resumed). */
  wake(): void;
  /** Runs until no RUNNING grant is left that this worker may take; for tests and scripts. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export interface GrantWorkerOptions {
  orm: Orm;
  callSubgraph: ServiceClient;
  config: Pick<CouponsConfig, 'MEMBERS_URL' | 'COUPON_GRANT_BATCH_SIZE' | 'COUPON_GRANT_LEASE_MS' | 'COUPON_GRANT_POLL_MS' | 'COUPON_GRANT_MAX_ATTEMPTS'>;
  log?: (message: string) => void;
}

/**
 * Runs grant jobs in batches. A replica leases a job (lease_owner/lease_until, taken with SKIP LOCKED) and
 * renews the lease with every batch; a replica that dies simply stops renewing and another takes over
 * after COUPON_GRANT_LEASE_MS. Each batch commits its coupons together with the job's cursor and counters,
 * and grants use the (template, member, slot 0) unique key with ON CONFLICT DO NOTHING, so a batch repeated
 * after a crash grants nobody twice.
 */
export function startGrantWorker({ orm, callSubgraph, config, log = console.error }: GrantWorkerOptions): GrantWorker {
  const owner = `grant-worker-${randomUUID()}`;
  const batch = config.COUPON_GRANT_BATCH_SIZE;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function lease(em: EntityManager): Promise<GrantRow | null> {
    const [row] = await em.execute<GrantRow[]>(
      `update "coupons"."coupon_grant" set "lease_owner" = ?, "lease_until" = now() + (? * interval '1 millisecond')
       where "id" = (select "id" from "coupons"."coupon_grant"
         where "status" = 'RUNNING' and ("lease_until" is null or "lease_until" < now() or "lease_owner" = ?)
         order by "created_at" limit 1 for update skip locked)
       returning "id", "template_id", "email_domain", "collected", "collect_cursor", "grant_cursor", "failed_attempts"`,
      [owner, config.COUPON_GRANT_LEASE_MS, owner],
    );
    return row ?? null;
  }

  /** Locks the job row for this batch's transaction; null when it is no longer ours to run or moved on. */
  async function lockOwned(tx: EntityManager, grant: GrantRow): Promise<GrantRow | null> {
    const [row] = await tx.execute<GrantRow[]>(
      `select "id", "template_id", "email_domain", "collected", "collect_cursor", "grant_cursor", "failed_attempts"
       from "coupons"."coupon_grant" where "id" = ? and "status" = 'RUNNING' and "lease_owner" = ? for update`,
      [grant.id, owner],
    );
    if (!row || row.collected !== grant.collected || row.collect_cursor !== grant.collect_cursor || row.grant_cursor !== grant.grant_cursor) return null;
    return row;
  }

  const renew = `"lease_until" = now() + (? * interval '1 millisecond'), "failed_attempts" = 0, "last_error" = null, "updated_at" = now()`;

  /** One batch; returns false when the job is done or no longer ours. */
  async function step(grant: GrantRow): Promise<boolean> {
    if (!grant.collected) {
      // Asked outside the transaction: no row lock is held across a network call.
      const data = await callSubgraph<{ membersByEmailDomain: string[] }>(config.MEMBERS_URL, MEMBERS_BY_DOMAIN, {
        domain: grant.email_domain,
        after: grant.collect_cursor,
        first: batch,
      });
      const ids = data.membersByEmailDomain;
      return orm.em.fork().transactional(async (tx) => {
        if (!(await lockOwned(tx, grant))) return false;
        if (ids.length > 0) {
          await tx.execute(
            `insert into "coupons"."coupon_grant_target" ("grant_id", "member_id") select ?, unnest(?::uuid[]) on conflict do nothing`,
            [grant.id, `{${ids.join(',')}}`],
            'run',
          );
        }
        const done = ids.length < batch;
        await tx.execute(
          `update "coupons"."coupon_grant" set "collect_cursor" = ?, "collected" = ?,
             "total" = case when ? then (select count(*) from "coupons"."coupon_grant_target" where "grant_id" = ?) end, ${renew}
           where "id" = ?`,
          [ids.at(-1) ?? grant.collect_cursor, done, done, grant.id, config.COUPON_GRANT_LEASE_MS, grant.id],
          'run',
        );
        return true;
      });
    }
    return orm.em.fork().transactional(async (tx) => {
      if (!(await lockOwned(tx, grant))) return false;
      const targets = await tx.execute<{ member_id: string }[]>(
        `select "member_id" from "coupons"."coupon_grant_target" where "grant_id" = ? ${grant.grant_cursor ? 'and "member_id" > ?' : ''}
         order by "member_id" limit ?`,
        grant.grant_cursor ? [grant.id, grant.grant_cursor, batch] : [grant.id, batch],
      );
      const members = targets.map((row) => row.member_id);
      let granted = 0;
      if (members.length > 0) {
        const inserted = await tx.execute<{ id: string }[]>(
          `insert into "coupons"."issued_coupon" ("id", "template_id", "member_id", "status", "source", "member_seq", "grant_id", "expires_at")
           select issued.id, t."id", issued.member_id, 'AVAILABLE', 'GRANT', 0, ?, t."valid_to"
           from unnest(?::uuid[], ?::uuid[]) as issued(id, member_id), "coupons"."coupon_template" t where t."id" = ?
           on conflict do nothing returning "id"`,
          [grant.id, `{${members.map(() => uuidv7()).join(',')}}`, `{${members.join(',')}}`, grant.template_id],
        );
        granted = inserted.length;
      }
      const done = members.length < batch;
      await tx.execute(
        `update "coupons"."coupon_grant" set "processed" = "processed" + ?, "granted" = "granted" + ?, "grant_cursor" = ?,
           "status" = case when ? then 'COMPLETED' else "status" end, ${renew}
         where "id" = ?`,
        [members.length, granted, members.at(-1) ?? grant.grant_cursor, done, config.COUPON_GRANT_LEASE_MS, grant.id],
        'run',
      );
      return !done;
    });
  }

  async function recordFailure(grant: GrantRow, error: Error) {
    log(`grant ${grant.id}: ${error.message}`);
    await orm.em.fork().execute(
      `update "coupons"."coupon_grant" set "failed_attempts" = "failed_attempts" + 1, "last_error" = ?, "updated_at" = now(),
         "status" = case when "failed_attempts" + 1 >= ? then 'FAILED' else "status" end,
         "lease_owner" = case when "failed_attempts" + 1 >= ? then null else "lease_owner" end
       where "id" = ? and "lease_owner" = ?`,
      [error.message.slice(0, 500), config.COUPON_GRANT_MAX_ATTEMPTS, config.COUPON_GRANT_MAX_ATTEMPTS, grant.id, owner],
      'run',
    );
  }

  /** Works leased jobs until none is left; returns whether it did anything. */
  async function work(): Promise<boolean> {
    let did = false;
    while (!stopped) {
      const grant = await lease(orm.em.fork());
      if (!grant) return did;
      did = true;
      try {
        // Whether or not the job has more, lease again: that re-reads its cursors (or finds the next job).
        await step(grant);
      } catch (error) {
        await recordFailure(grant, error as Error);
        // Back off before the same job is tried again; other replicas may take it meanwhile.
        await new Promise((resolve) => setTimeout(resolve, Math.min(config.COUPON_GRANT_POLL_MS * 2 ** grant.failed_attempts, 10_000)));
      }
    }
    return did;
  }

  const run = () => {
    const next = () => work().then(() => undefined);
    running = running.then(next, next);
    return running;
  };

  function schedule(delay: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      run()
        .catch((error: Error) => log(`grant worker: ${error.message}`))
        .finally(() => schedule(config.COUPON_GRANT_POLL_MS));
    }, delay);
  }
  schedule(0);

  return {
    wake: () => schedule(0),
    async drain() {
      await run();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
      // Hand our jobs back at once so another replica need not wait for the lease to run out.
      await orm.em.fork().execute(
        `update "coupons"."coupon_grant" set "lease_owner" = null, "lease_until" = null where "lease_owner" = ?`,
        [owner],
        'run',
      );
    },
  };
}
