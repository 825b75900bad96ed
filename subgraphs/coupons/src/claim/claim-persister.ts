import { randomUUID } from 'node:crypto';
import type { Orm } from '@commerce/kit';
import type { Redis } from 'ioredis';
import { CLAIM_GROUP, claimKeys, STREAMS_KEY } from './claim-store.js';

type StreamEntry = [id: string, fields: string[]];

export interface ClaimPersisterOptions {
  orm: Orm;
  redis: Redis;
  pollMs: number;
  /** Pending entries idle this long belong to a dead consumer and are taken over. */
  staleMs: number;
  batchSize?: number;
  log?: (message: string) => void;
}

export interface ClaimPersister {
  /** Writes every claim in every stream to PostgreSQL, pending ones included; returns how many. For tests and shutdown. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

function fieldsOf(entry: StreamEntry): Record<string, string> {
  const [, list] = entry;
  const fields: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) fields[list[i]!] = list[i + 1]!;
  return fields;
}

/**
 * Consumer of the claim streams (group `coupons-persist`): inserts each claimed coupon into PostgreSQL with
 * `on conflict do nothing` (the coupon id, and the unique (template, member, seq), make a redelivery a no-op),
 * then XACKs and XDELs it. Its own unacknowledged entries are retried first; another consumer's, once stale,
 * are taken over with XAUTOCLAIM, so a crash between insert and ack loses nothing and duplicates nothing.
 */
export function startClaimPersister({ orm, redis, pollMs, staleMs, batchSize = 500, log = console.error }: ClaimPersisterOptions): ClaimPersister {
  const consumer = `persister-${randomUUID()}`;
  const expiry = new Map<string, Date | null>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> = Promise.resolve(0);

  async function expiresAt(templateId: string): Promise<Date | null> {
    if (!expiry.has(templateId)) {
      const [row] = await orm.em.fork().execute<{ valid_to: Date | null }[]>(
        `select "valid_to" from "coupons"."coupon_template" where "id" = ?`,
        [templateId],
      );
      expiry.set(templateId, row?.valid_to ?? null);
    }
    return expiry.get(templateId) ?? null;
  }

  async function persist(templateId: string, stream: string, entries: StreamEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const expires = await expiresAt(templateId);
    const values: unknown[] = [];
    const rows = entries.map((entry) => {
      const fields = fieldsOf(entry);
      values.push(fields.id, templateId, fields.member, fields.source, Number(fields.seq), expires, new Date(Number(fields.at)));
      return `(?, ?, ?, 'AVAILABLE', ?, ?, ?, ?)`;
    });
    await orm.em.fork().execute(
      `insert into "coupons"."issued_coupon" ("id", "template_id", "member_id", "status", "source", "member_seq", "expires_at", "issued_at")
       values ${rows.join(', ')} on conflict do nothing`,
      values,
      'run',
    );
    const ids = entries.map(([id]) => id);
    await redis.multi().xack(stream, CLAIM_GROUP, ...ids).xdel(stream, ...ids).exec();
    return entries.length;
  }

  async function readStream(templateId: string): Promise<number> {
    const stream = claimKeys(templateId).stream;
    let done = 0;
    // Taken over from consumers that died mid-batch, then our own pending, then new entries.
    const [, stale] = (await redis.xautoclaim(stream, CLAIM_GROUP, consumer, staleMs, '0-0', 'COUNT', batchSize)) as [string, StreamEntry[]];
    done += await persist(templateId, stream, stale.filter((entry) => entry[1] !== null));
    for (const from of ['0', '>']) {
      const answer = (await redis.xreadgroup('GROUP', CLAIM_GROUP, consumer, 'COUNT', batchSize, 'STREAMS', stream, from)) as
        | [string, StreamEntry[]][]
        | null;
      done += await persist(templateId, stream, answer?.[0]?.[1] ?? []);
    }
    return done;
  }

  async function pass(): Promise<number> {
    let done = 0;
    for (const templateId of await redis.smembers(STREAMS_KEY)) done += await readStream(templateId);
    return done;
  }

  const runPass = () => {
    running = running.then(pass, pass);
    return running;
  };

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      let done = 0;
      try {
        done = await runPass();
      } catch (error) {
        log(`claim persister: ${(error as Error).message}`);
      }
      // A full batch means more is waiting: go again at once.
      if (done > 0) setImmediate(schedule);
      else schedule();
    }, pollMs);
  }
  schedule();

  return {
    async drain() {
      let total = 0;
      for (;;) {
        const done = await runPass();
        total += done;
        if (done === 0) return total;
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => 0);
    },
  };
}
