import type { Redis } from 'ioredis';

export interface WatchedSubscriberOptions {
  /** What it subscribes for, in log lines; with the key prefix, its Redis connection's name (CLIENT LIST). */
  name: string;
  keyPrefix: string;
  /** How often it is pinged; unanswered for five times this, it is not trusted (ten: reconnected). */
  heartbeatMs: number;
  log?: (message: string) => void;
}

/**
 * A subscriber connection whose silence is noticed. What a gateway holds in memory from announcements is only as good
 * as the subscription that brought them: one dropped loses what was published meanwhile (its `close` event says so),
 * and one whose connection died without closing loses it too, silently. Pinged every beat, it is `answering` while a
 * ping came back within five; after ten silent beats it is dropped and made again (its owner resyncs on `ready`).
 */
export class WatchedSubscriber {
  readonly connection: Redis;
  private lastPong = 0;
  private reconnectedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    redis: Redis,
    private readonly options: WatchedSubscriberOptions,
  ) {
    this.connection = redis.duplicate({ lazyConnect: true, connectionName: `${options.keyPrefix}${options.name}` });
    this.connection.on('error', (error: Error) => options.log?.(`${options.name} subscription: ${error.message}`));
  }

  /** Starts the heartbeat and connects; rejects if Redis cannot be reached (ioredis keeps trying). */
  async connect(): Promise<void> {
    this.timer ??= setInterval(() => this.heartbeat(), this.options.heartbeatMs);
    this.timer.unref();
    await this.connection.connect();
  }

  /** Redis answered it just now (a subscribe went through). */
  answered(): void {
    this.lastPong = Date.now();
  }

  /** Whether it is ready and answered a ping lately. */
  get answering(): boolean {
    return this.connection.status === 'ready' && Date.now() - this.lastPong <= 5 * this.options.heartbeatMs;
  }

  private heartbeat(): void {
    if (this.connection.status !== 'ready') return;
    const now = Date.now();
    const silentFor = 10 * this.options.heartbeatMs;
    if (now - this.lastPong > silentFor && now - this.reconnectedAt > silentFor) {
      this.options.log?.(`${this.options.name} subscription stopped answering; reconnecting`);
      this.reconnectedAt = now;
      this.connection.disconnect(true);
      return;
    }
    this.connection.ping().then(
      () => this.answered(),
      () => {}, // a failed ping is silence, which `answering` and the next beats already act on
    );
  }

  close(): void {
    clearInterval(this.timer);
    this.connection.disconnect();
  }
}
