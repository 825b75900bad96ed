import { ENDED_SESSIONS_CHANNEL, ENDED_SESSIONS_KEY, ENDED_SESSIONS_WHOLE_SINCE_KEY, parseEndedSessions } from '@commerce/kit/http';
import type { Redis } from 'ioredis';

export interface EndedSessionsOptions {
  /** The connection sessions live on (with the deployment's key prefix); a second one is opened to subscribe. */
  redis: Redis;
  /** The deployment's key prefix, put in front of the channel (ioredis prefixes keys only). */
  channelPrefix: string;
  /** How often the set is read again: it drops expired sessions and notices a set Redis lost without a reconnect. */
  resyncMs?: number;
  log?: (message: string) => void;
}

/**
 * The device sessions that ended while their access tokens may still be unexpired, held in memory from the members
 * subgraph's announcements (see ended-sessions in the kit), so a request is checked without a Redis round trip: on
 * a 2-core machine that round trip was a quarter of the gateway's CPU per time-sale claim, and it cost every request
 * the same whoever sent it. A session ended at any moment is refused from the moment its announcement arrives, which
 * members publishes in the same step as it deletes the session's record, before it answers the log-out.
 *
 * Where memory may be missing an ending, `ended` answers undefined and the caller asks Redis (`session:<sid>`):
 * - before the first read of the set, and from a dropped subscription until it is back and the set read again;
 * - for tokens issued before the time from which the set is whole (Redis lost it, or a first start): until they
 *   expire.
 */
export class EndedSessions {
  /** Session id → when its last access token will have expired (ms). */
  private readonly sessions = new Map<string, number>();
  /** Tokens issued at or before this time (ms) are checked in Redis: endings from before it may be unknown here. */
  private askRedisUpTo = Number.NEGATIVE_INFINITY;
  private synced = false;
  /** Bumped when the subscription drops: a read begun before then cannot vouch for what came after. */
  private connection = 0;
  private syncing: Promise<void> = Promise.resolve();
  private readonly subscriber: Redis;
  private readonly channel: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EndedSessionsOptions) {
    this.channel = `${options.channelPrefix}${ENDED_SESSIONS_CHANNEL}`;
    this.subscriber = options.redis.duplicate({ lazyConnect: true });
    this.subscriber.on('message', (_channel: string, message: string) => this.remember(message));
    // Announcements sent while the subscription is down are lost to it: ask Redis until it is back and resynced.
    this.subscriber.on('close', () => {
      this.connection++;
      this.synced = false;
    });
    this.subscriber.on('ready', () => void this.sync());
    this.subscriber.on('error', (error: Error) => options.log?.(`ended-sessions subscription: ${error.message}`));
  }

  /** Connects and reads the set; rejects if Redis cannot be reached, and keeps trying (answering undefined meanwhile). */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.sync(), this.options.resyncMs ?? 30_000);
    this.timer.unref();
    await this.subscriber.connect(); // its ready event reads the set
    await this.syncing;
  }

  /**
   * Whether the session has ended: from memory, or undefined when only Redis can tell. `issuedAt` is the token's
   * `iat` (seconds).
   */
  ended(sessionId: string, issuedAt: number | undefined): boolean | undefined {
    if (!this.synced || issuedAt === undefined || issuedAt * 1000 <= this.askRedisUpTo) return undefined;
    return this.sessions.has(sessionId);
  }

  /** Subscribes, then reads the set: an ending is in what was read, or arrives on the channel after. Reads one at a time. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() =>
      this.readSet().catch((error: unknown) => {
        this.synced = false;
        this.options.log?.(`ended-sessions read failed, asking Redis per request: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
    return this.syncing;
  }

  private async readSet(): Promise<void> {
    const { redis } = this.options;
    const connection = this.connection;
    await this.subscriber.subscribe(this.channel);
    const [flat, wholeSince] = await Promise.all([redis.zrange(ENDED_SESSIONS_KEY, '0', '-1', 'WITHSCORES'), this.wholeSince()]);
    if (wholeSince > this.askRedisUpTo) {
      // Moved while running: Redis lost the set since the last read.
      if (Number.isFinite(this.askRedisUpTo)) this.options.log?.(`ended-sessions set lost; tokens issued before ${new Date(wholeSince).toISOString()} are checked in Redis`);
      this.askRedisUpTo = wholeSince;
    }
    for (let i = 0; i + 1 < flat.length; i += 2) this.sessions.set(flat[i]!, Number(flat[i + 1]));
    const now = Date.now();
    for (const [sessionId, forgetAt] of this.sessions) if (forgetAt <= now) this.sessions.delete(sessionId);
    // A drop while reading leaves it unsynced: the next ready reads again.
    if (connection === this.connection && this.subscriber.status === 'ready') this.synced = true;
  }

  /** From when the set is whole; the first to find no such time sets its own now (a later one reads the winner's). */
  private async wholeSince(): Promise<number> {
    const { redis } = this.options;
    await redis.set(ENDED_SESSIONS_WHOLE_SINCE_KEY, String(Date.now()), 'NX');
    const since = Number(await redis.get(ENDED_SESSIONS_WHOLE_SINCE_KEY));
    return Number.isFinite(since) ? since : Date.now(); // unreadable: as if lost just now
  }

  private remember(message: string): void {
    const ended = parseEndedSessions(message);
    if (ended) for (const sessionId of ended.sessionIds) this.sessions.set(sessionId, ended.forgetAt);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.synced = false;
    this.subscriber.disconnect();
  }
}
