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
  drain(saleId: string): Promise<number> {
    return this.drainTakingOver(saleId, this.options.pendingIdleMs);
  }

  /**
   * Writes out everything the sale's stream holds, entries other consumers read and have not acknowledged included
   * (taken over however recently they were read): afterwards PostgreSQL holds every event the stream held. A rebuild
   * calls it once no script can append (the sale's hash is gone) and before it reads the claims back. A consumer that
   * loses an entry this way and applies it as well changes nothing (applying is idempotent).
   */
  drainAll(saleId: string): Promise<number> {
    return this.drainTakingOver(saleId, 0);
  }

  private async drainTakingOver(saleId: string, pendingIdleMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const entries = await this.nextBatch(saleId, pendingIdleMs);
      if (entries.length === 0) return total;
      await this.apply(saleId, entries);
      total += entries.length;
    }
  }

  private async nextBatch(saleId: string, pendingIdleMs: number): Promise<StreamEntry[]> {
    const redis = this.options.engine.redis;
    const stream = saleKeys(saleId)[5]!;
    try {
      const [, taken] = (await redis.xautoclaim(stream, STREAM_GROUP, this.name, pendingIdleMs, '0-0', 'COUNT', this.batchSize)) as [
        string,
        StreamEntry[],
      ];
      const live = taken.filter((entry) => entry && entry[1]);
      if (live.length > 0) return live;
      for (const from of ['0', '>']) {
        const reply = (await redis.xreadgroup('GROUP', STREAM_GROUP, this.name, 'COUNT', this.batchSize, 'STREAMS', stream, from)) as
          | [string, StreamEntry[]][]
          | null;
        const entries = (reply?.[0]?.[1] ?? []).filter((entry) => entry && entry[1]);
        if (entries.length > 0) return entries;
      }
      return [];
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOGROUP')) throw error;
      // The stream or its group is gone (Redis lost the sale); the state rebuild recreates both.
      return [];
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
