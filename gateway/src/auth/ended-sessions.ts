import { ENDED_SESSIONS_CHANNEL, ENDED_SESSIONS_KEY, parseEndedSessions, wholeSinceOf } from '@commerce/kit/http';
import type { Redis } from 'ioredis';
import { WatchedSubscriber } from '../redis/watched-subscriber.js';

export interface EndedSessionsOptions {
  /** The connection sessions live on (with the deployment's key prefix); a second one is opened to subscribe. */
  redis: Redis;
  /** The deployment's key prefix, put in front of the channel (ioredis prefixes keys only). */
  channelPrefix: string;
  /** How often the set is read again: it drops expired sessions and notices a set Redis lost without a reconnect. */
  resyncMs?: number;
  /** How often the subscription is pinged; unanswered for five times this, memory is not trusted (ten: reconnect). */
  heartbeatMs?: number;
  log?: (message: string) => void;
}

/** Tokens issued this close to the set's whole-since mark are checked in Redis too: members' clocks differ a little. */
const CLOCK_MARGIN_MS = 5_000;

/**
 * The device sessions that ended while their access tokens may still be unexpired, held in memory from the members
 * subgraph's announcements (see ended-sessions in the kit), so a request is checked without a Redis round trip: on
 * a 2-core machine that round trip was a fifth of the gateway's CPU per time-sale claim, and it cost every request
 * the same whoever sent it. Members publishes an ending in the same step as it deletes the session's record, before
 * it answers the log-out; a gateway refuses the session once the announcement has reached it.
 *
 * Where memory may be missing an ending, `ended` answers undefined and the caller asks Redis (`session:<sid>`):
 * - before the first read of the set, and from a dropped subscription until it is back and the set read again;
 * - while the subscription does not answer its pings for 5 s (a connection that died without closing);
 * - for tokens issued before the set's whole-since mark (Redis lost the set), and for all while it has none.
 */
export class EndedSessions {
  /** Session id → when its last access token will have expired (ms). */
  private readonly sessions = new Map<string, number>();
  /** The latest whole-since mark seen (ms), and whether the last read found one. */
  private wholeSince = Number.NEGATIVE_INFINITY;
  private marked = false;
  private synced = false;
  /** Bumped when the subscription drops: a read begun before then cannot vouch for what came after. */
  private connection = 0;
  private syncing: Promise<void> = Promise.resolve();
  private readonly subscriber: WatchedSubscriber;
  private readonly channel: string;
  private resyncTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EndedSessionsOptions) {
    this.channel = `${options.channelPrefix}${ENDED_SESSIONS_CHANNEL}`;
    this.subscriber = new WatchedSubscriber(options.redis, { name: 'ended-sessions', keyPrefix: options.channelPrefix, heartbeatMs: options.heartbeatMs ?? 1_000, log: options.log });
    const connection = this.subscriber.connection;
    connection.on('message', (_channel: string, message: string) => this.remember(message));
    // Announcements sent while the subscription is down are lost to it: ask Redis until it is back and resynced.
    connection.on('close', () => {
      this.connection++;
      this.synced = false;
    });
    connection.on('ready', () => void this.sync());
  }

  /** Connects and reads the set; rejects if Redis cannot be reached, and keeps trying (answering undefined meanwhile). */
  async start(): Promise<void> {
    this.resyncTimer ??= setInterval(() => void this.sync(), this.options.resyncMs ?? 30_000);
    this.resyncTimer.unref();
    await this.subscriber.connect(); // its ready event reads the set
    await this.syncing;
  }

  /**
   * Whether the session has ended: from memory, or undefined when only Redis can tell. `issuedAt` is the token's
   * `iat` (seconds).
   */
  ended(sessionId: string, issuedAt: number | undefined): boolean | undefined {
    if (!this.synced || !this.marked || issuedAt === undefined) return undefined;
    if (!this.subscriber.answering) return undefined;
    if (issuedAt * 1000 <= this.wholeSince + CLOCK_MARGIN_MS) return undefined;
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
    const connection = this.connection;
    await this.subscriber.connection.subscribe(this.channel);
    this.subscriber.answered();
    const flat = await this.options.redis.zrange(ENDED_SESSIONS_KEY, '0', '-1', 'WITHSCORES');
    let marked = false;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const since = wholeSinceOf(flat[i]!);
      if (since === null) this.sessions.set(flat[i]!, Number(flat[i + 1]));
      else {
        marked = true;
        if (since > this.wholeSince && Number.isFinite(this.wholeSince)) this.options.log?.(`ended-sessions set was lost; tokens issued before ${new Date(since).toISOString()} are checked in Redis`);
        this.wholeSince = Math.max(this.wholeSince, since);
      }
    }
    if (!marked && this.marked) this.options.log?.('ended-sessions set has no whole-since mark: every session is checked in Redis until members marks it');
    this.marked = marked;
    const now = Date.now();
    for (const [sessionId, forgetAt] of this.sessions) if (forgetAt <= now) this.sessions.delete(sessionId);
    // A drop while reading leaves it unsynced: the next ready reads again.
    if (connection === this.connection && this.subscriber.connection.status === 'ready') this.synced = true;
  }

  private remember(message: string): void {
    const ended = parseEndedSessions(message);
    if (ended) for (const sessionId of ended.sessionIds) this.sessions.set(sessionId, ended.forgetAt);
  }

  async close(): Promise<void> {
    clearInterval(this.resyncTimer);
    this.synced = false;
    this.subscriber.close();
  }
}
