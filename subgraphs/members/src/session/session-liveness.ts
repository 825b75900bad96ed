import { ENDED_SESSIONS_CHANNEL, ENDED_SESSIONS_KEY, type EndedSessionsMessage } from '@commerce/kit';
import type { Redis } from 'ioredis';

export interface SessionLivenessOptions {
  /** How long a session's record lives without a refresh (the refresh token's lifetime). */
  ttlSeconds: number;
  /** How long an access token is valid: an ended session is announced to gateways for that long. */
  accessTokenTtlSeconds: number;
  /** The deployment's Redis key prefix, put in front of the channel (ioredis prefixes keys only). */
  channelPrefix: string;
}

/** An ended session stays in the set this long after its last access token expired: clocks differ a little. */
const CLOCK_MARGIN_MS = 60_000;

/**
 * The Redis record of a live device session, `session:<sid>` (holding the member ID), and the announcement of an
 * ended one to the gateways (see ended-sessions in the kit): both at once, so a session's access tokens stop
 * working when it ends, not when they expire.
 */
export class SessionLiveness {
  constructor(
    private readonly redis: Redis,
    private readonly options: SessionLivenessOptions,
  ) {}

  static key(sessionId: string) {
    return `session:${sessionId}`;
  }

  async keepAlive(sessionId: string, memberId: string): Promise<void> {
    await this.redis.set(SessionLiveness.key(sessionId), memberId, 'EX', this.options.ttlSeconds);
  }

  async end(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const now = Date.now();
    const message: EndedSessionsMessage = { sessionIds, forgetAt: now + this.options.accessTokenTtlSeconds * 1000 + CLOCK_MARGIN_MS };
    const results = await this.redis
      .multi()
      .del(...sessionIds.map(SessionLiveness.key))
      .zadd(ENDED_SESSIONS_KEY, ...sessionIds.flatMap((id) => [message.forgetAt, id]))
      // Sessions whose every token has expired are dropped here; the sentinel, scored +inf, never is.
      .zremrangebyscore(ENDED_SESSIONS_KEY, '-inf', now)
      .publish(`${this.options.channelPrefix}${ENDED_SESSIONS_CHANNEL}`, JSON.stringify(message))
      .exec();
    const failed = results?.find(([error]) => error)?.[0];
    if (!results || failed) throw failed ?? new Error('Ending the sessions in Redis was aborted.');
  }
}
