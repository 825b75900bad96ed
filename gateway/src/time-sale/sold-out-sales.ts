import { parseSaleCount, parseSoldOutAnnouncement, replayKey, SOLD_OUT_CHANNEL, TIME_SALE_CHANNEL_PREFIX } from '@commerce/kit/http';
import type { Redis } from 'ioredis';
import { WatchedSubscriber } from '../redis/watched-subscriber.js';

export interface SoldOutSalesOptions {
  /** A connection with the deployment's key prefix; a second one is opened to subscribe. */
  redis: Redis;
  /** The deployment's key prefix, put in front of the channels (ioredis prefixes keys only). */
  channelPrefix: string;
  heartbeatMs?: number;
  log?: (message: string) => void;
}

/**
 * Near a sale's end inventory decides (ENDED by Redis's clock). The end is moved to the gateway's clock by how far
 * Redis's was at the announcement; the margin covers the announcement's time in transit and drift since.
 */
const END_MARGIN_MS = 2_000;

/** How often sales past their end are forgotten. */
const SWEEP_MS = 60_000;

interface SoldOutSale {
  status: string;
  /** The sale's end, on this process's clock (ms). */
  endsAt: number;
  replays: Set<string>;
}

/** A channel name as a literal part of a PSUBSCRIBE pattern. */
const globEscaped = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * The time-sales inventory announced sold out (see sold-out-sales in the kit), held in memory while nothing has
 * shown units again, so the gateway can answer a claim on one SOLD_OUT itself. Everything uncertain sends the claim
 * on to inventory, which decides as ever: a retry of a claim there is (its member and idempotency key), a sale near
 * or past its end, any time the subscription is not known to be whole (before it is up, while it is silent; a drop
 * forgets every sale announced before it, since what was published meanwhile is lost).
 */
export class SoldOutSales {
  private readonly sales = new Map<string, SoldOutSale>();
  private readonly subscriber: WatchedSubscriber;
  private readonly soldOutChannel: string;
  private readonly countPattern: string;
  private readonly countPrefix: string;
  private subscribed = false;
  /** The subscribe the latest `ready` began (the connection's first one included). */
  private subscribing: Promise<void> = Promise.resolve();
  /** Bumped when the connection drops: a subscribe begun before then vouches for nothing after. */
  private connectionGeneration = 0;
  private sweep: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SoldOutSalesOptions) {
    this.soldOutChannel = `${options.channelPrefix}${SOLD_OUT_CHANNEL}`;
    this.countPrefix = `${options.channelPrefix}${TIME_SALE_CHANNEL_PREFIX}`;
    this.countPattern = `${globEscaped(this.countPrefix)}*`;
    this.subscriber = new WatchedSubscriber(options.redis, { name: 'sold-out-sales', keyPrefix: options.channelPrefix, heartbeatMs: options.heartbeatMs ?? 1_000, log: options.log });
    const connection = this.subscriber.connection;
    connection.on('message', (channel: string, message: string) => {
      if (channel === this.soldOutChannel) this.remember(message);
    });
    connection.on('pmessage', (_pattern: string, channel: string, message: string) => this.onCount(channel, message));
    connection.on('close', () => {
      this.connectionGeneration++;
      this.subscribed = false;
      this.sales.clear();
    });
    connection.on('ready', () => {
      this.subscribing = this.subscribe();
    });
  }

  /** Connects and subscribes; rejects if Redis cannot be reached, and keeps trying (sending every claim on meanwhile). */
  async start(): Promise<void> {
    this.sweep ??= setInterval(() => this.forgetEnded(), SWEEP_MS);
    this.sweep.unref();
    await this.subscriber.connect(); // its ready event subscribes
    await this.subscribing;
  }

  /** Whether a claim of this member with this key on this sale is to be answered SOLD_OUT here. */
  soldOutFor(saleId: string, memberId: string, idempotencyKey: string): boolean {
    const sale = this.sales.get(saleId);
    if (!sale || !this.subscribed || !this.subscriber.answering) return false;
    if (Date.now() >= sale.endsAt - END_MARGIN_MS) {
      this.sales.delete(saleId);
      return false;
    }
    return !sale.replays.has(replayKey(memberId, idempotencyKey));
  }

  /** How many sales are held as sold out. */
  get size(): number {
    return this.sales.size;
  }

  private async subscribe(): Promise<void> {
    const generation = this.connectionGeneration;
    try {
      const connection = this.subscriber.connection;
      // The counts first: an announcement is taken only once every count after it will arrive too.
      await connection.psubscribe(this.countPattern);
      await connection.subscribe(this.soldOutChannel);
      this.subscriber.answered();
      this.subscribed = generation === this.connectionGeneration && connection.status === 'ready';
    } catch (error) {
      if (this.closed) return;
      this.options.log?.(`sold-out sales not subscribed; every claim goes to inventory: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private remember(message: string): void {
    // Before both subscriptions are confirmed, a count that would end the announcement may not arrive.
    if (!this.subscribed) return;
    const announced = parseSoldOutAnnouncement(message);
    if (!announced) return;
    this.forgetEnded();
    const endsAt = announced.endsAt - (announced.at - Date.now());
    this.sales.set(announced.saleId, { status: announced.status, endsAt, replays: new Set(announced.replays) });
  }

  private forgetEnded(): void {
    const now = Date.now();
    for (const [saleId, sale] of this.sales) if (sale.endsAt <= now) this.sales.delete(saleId);
  }

  /** A sale's count: units again, or another status, end its announcement. Other sales' counts are not even read. */
  private onCount(channel: string, message: string): void {
    if (this.sales.size === 0 || !channel.startsWith(this.countPrefix)) return;
    const saleId = channel.slice(this.countPrefix.length);
    const sale = this.sales.get(saleId);
    if (!sale) return;
    const count = parseSaleCount(message);
    if (!count || count.remaining > 0 || count.status !== sale.status) this.sales.delete(saleId);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweep);
    this.sweep = undefined;
    this.subscribed = false;
    this.sales.clear();
    this.subscriber.close();
  }
}
