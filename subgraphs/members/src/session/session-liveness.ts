import { defineLuaCommands, ENDED_SESSIONS_CHANNEL, ENDED_SESSIONS_KEY, type EndedSessionsMessage, wholeSinceMark } from '@commerce/kit';
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

/** Adds the set's whole-since mark (ARGV[1]) unless it has one. KEYS[1] the set. */
const MARK_WHOLE = `
if #redis.call('ZRANGEBYSCORE', KEYS[1], '+inf', '+inf', 'LIMIT', 0, 1) == 0 then
  redis.call('ZADD', KEYS[1], '+inf', ARGV[1])
end`;

/**
 * Ends sessions and announces it, in one step. KEYS[1] the set, KEYS[2..] the sessions' records.
 * ARGV: whole-since mark, now (ms), forgetAt (ms), channel, message, then the session ids.
 */
const END_SESSIONS = `
redis.call('DEL', unpack(KEYS, 2))
for i = 6, #ARGV do redis.call('ZADD', KEYS[1], ARGV[3], ARGV[i]) end
-- Sessions whose every token has expired are dropped; the mark, scored +inf, never is.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
${MARK_WHOLE}
redis.call('PUBLISH', ARGV[4], ARGV[5])
`;

interface LivenessCommands {
  markSessionsWhole(...keysThenArgs: (string | number)[]): Promise<unknown>;
  endSessions(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<unknown>;
}

/**
 * The Redis record of a live device session, `session:<sid>` (holding the member ID), and the announcement of an
 * ended one to the gateways (see ended-sessions in the kit): both at once, so a session's access tokens stop
 * working when it ends, not when they expire.
 */
export class SessionLiveness {
  private readonly redis: Redis & LivenessCommands;

  constructor(
    redis: Redis,
    private readonly options: SessionLivenessOptions,
  ) {
    // END_SESSIONS's key count varies with the sessions ended, so the caller passes it.
    this.redis = defineLuaCommands<LivenessCommands>(redis, { markSessionsWhole: { keys: 1, lua: MARK_WHOLE }, endSessions: { lua: END_SESSIONS } });
  }

  static key(sessionId: string) {
    return `session:${sessionId}`;
  }

  /** Marks the ended-sessions set whole from now unless it is marked: at start, so gateways can trust it. */
  async markWhole(): Promise<void> {
    await this.redis.markSessionsWhole(ENDED_SESSIONS_KEY, wholeSinceMark(Date.now()));
  }

  async keepAlive(sessionId: string, memberId: string): Promise<void> {
    await this.redis.set(SessionLiveness.key(sessionId), memberId, 'EX', this.options.ttlSeconds);
  }

  async end(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const now = Date.now();
    const message: EndedSessionsMessage = { sessionIds, forgetAt: now + this.options.accessTokenTtlSeconds * 1000 + CLOCK_MARGIN_MS };
    const keys = [ENDED_SESSIONS_KEY, ...sessionIds.map(SessionLiveness.key)];
    const channel = `${this.options.channelPrefix}${ENDED_SESSIONS_CHANNEL}`;
    await this.redis.endSessions(keys.length, ...keys, wholeSinceMark(now), now, message.forgetAt, channel, JSON.stringify(message), ...sessionIds);
  }
}
