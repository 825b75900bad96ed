import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryServices } from '../inventory.services.js';
import { SYSTEM_ACTOR } from '../stock/stock-actor.js';
import { inStockTransaction } from '../stock/stock-transaction.js';
import type { TimeSaleClaimEngine } from './time-sale-claim.service.js';
import { applyClaimEvents, parseStreamEntry } from './time-sale.ledger.js';
import { saleKeys, STREAM_GROUP } from './time-sale.keys.js';

type StreamEntry = [id: string, fields: string[]];

export interface StreamConsumerOptions {
  engine: TimeSaleClaimEngine;
  /** A fresh EntityManager per batch. */
  em: () => EntityManager;
  services: InventoryServices;
  /** This consumer's name in the group; unique per process so a dead one's entries can be told apart. */
  name?: string;
  batchSize?: number;
  /** Entries another consumer read but did not acknowledge for this long are taken over (it probably died). */
  pendingIdleMs: number;
}

/**
 * Writes a sale's claim stream to PostgreSQL through the consumer group `pg-writer`. Entries are
 * acknowledged (and deleted) only after the transaction that applied them committed, so a crash at any
 * point leaves them pending: this consumer re-reads its own pending entries first, and takes over those
 * of a consumer that has been silent for `pendingIdleMs` (XAUTOCLAIM). Applying is idempotent by claim
 * id, so an entry processed twice (crash between commit and XACK) changes nothing the second time.
 */
export class TimeSaleStreamConsumer {
  readonly name: string;
  private readonly batchSize: number;

  constructor(private readonly options: StreamConsumerOptions) {
    this.name = options.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.batchSize = options.batchSize ?? 200;
  }

  /** Processes what is waiting in the sale's stream, batch by batch; returns how many entries it applied. */
  async drain(saleId: string): Promise<number> {
    let total = 0;
    for (let entries = await this.nextBatch(saleId); entries.length > 0; entries = await this.nextBatch(saleId)) {
      await this.apply(saleId, entries);
      total += entries.length;
    }
    return total;
  }

  /**
   * Writes out everything the sale's stream holds, entries other consumers read and have not acknowledged included:
   * once its own and the new entries are done, it takes theirs over however recently they were read. Afterwards
   * PostgreSQL holds every event the stream held. A rebuild calls it once no script appends (the sale's hash is gone)
   * and before it reads the claims back; `keepGoing`, asked before each batch, ends it early (the rebuild lost its
   * lock). A consumer whose entry was taken over and that applies it as well changes nothing (applying is idempotent).
   * Returns how many entries it applied, or null when `keepGoing` stopped it.
   */
  async drainAll(saleId: string, keepGoing: () => Promise<boolean>): Promise<number | null> {
    let total = 0;
    for (;;) {
      if (!(await keepGoing())) return null;
      // Another consumer's batch is taken over last: applying it while that consumer may still be at it costs both
      // of them waits on the same rows.
      let entries = await this.nextBatch(saleId, 'none');
      if (entries.length === 0) entries = await this.nextBatch(saleId, 'any');
      if (entries.length === 0) return total;
      await this.apply(saleId, entries);
      total += entries.length;
    }
  }

  /**
   * The next batch. `silent`: entries a consumer silent for `pendingIdleMs` left, else this consumer's own
   * unacknowledged ones, else new ones. `none`: its own, else new ones. `any`: other consumers' unacknowledged entries
   * whatever their age, and only those.
   */
  private async nextBatch(saleId: string, takeOver: 'silent' | 'none' | 'any' = 'silent'): Promise<StreamEntry[]> {
    const redis = this.options.engine.redis;
    const stream = saleKeys(saleId)[5]!;
    const live = (entries: StreamEntry[] | undefined) => (entries ?? []).filter((entry) => entry && entry[1]);
    try {
      if (takeOver !== 'none') {
        const idleMs = takeOver === 'any' ? 0 : this.options.pendingIdleMs;
        let cursor = '0-0';
        do {
          const [next, taken] = (await redis.xautoclaim(stream, STREAM_GROUP, this.name, idleMs, cursor, 'COUNT', this.batchSize)) as [string, StreamEntry[]];
          const entries = live(taken);
          if (entries.length > 0) return entries;
          cursor = next;
        } while (cursor !== '0-0');
        if (takeOver === 'any') return [];
      }
      for (const from of ['0', '>']) {
        const reply = (await redis.xreadgroup('GROUP', STREAM_GROUP, this.name, 'COUNT', this.batchSize, 'STREAMS', stream, from)) as
          | [string, StreamEntry[]][]
          | null;
        const entries = live(reply?.[0]?.[1]);
        if (entries.length > 0) return entries;
      }
      return [];
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOGROUP')) throw error;
      // A stream without the group is one a script appended to after the stream alone was lost (an eviction): its
      // entries are still to be written, from the start. Without the stream (Redis lost the sale) there is nothing to
      // write, and the state rebuild recreates both.
      if ((await redis.xlen(stream)) === 0) return [];
      await redis.xgroup('CREATE', stream, STREAM_GROUP, '0').catch((created: unknown) => {
        if (!(created instanceof Error) || !created.message.includes('BUSYGROUP')) throw created;
      });
      return this.nextBatch(saleId, takeOver);
    }
  }

  private async apply(saleId: string, entries: StreamEntry[]): Promise<void> {
    const { em, services, engine } = this.options;
    const events = entries.map(([, fields]) => parseStreamEntry(saleId, fields));
    await inStockTransaction({ em: em(), services }, (tx, changes) => applyClaimEvents(tx, changes, saleId, events, SYSTEM_ACTOR));
    const stream = saleKeys(saleId)[5]!;
    const ids = entries.map(([id]) => id);
    await engine.redis.pipeline().xack(stream, STREAM_GROUP, ...ids).xdel(stream, ...ids).exec();
  }
}
