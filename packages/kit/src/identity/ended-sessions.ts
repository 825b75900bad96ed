/**
 * How the members subgraph tells gateways that device sessions ended (log out, log out everywhere, a password change
 * or reset, a replayed refresh token), so a gateway can refuse their access tokens without asking Redis on every
 * request. In one script, members deletes each session's `session:<sid>` record, adds the session to the sorted set
 * ENDED_SESSIONS_KEY (scored by when its last access token will have expired, after which it is dropped) and
 * publishes the same on ENDED_SESSIONS_CHANNEL. A gateway subscribes, then reads the set, and holds the union in
 * memory: a session ended before its read is in the set, one ended after reaches it on the channel.
 *
 * The set says from when it is whole with a mark, a member scored +inf (never pruned) named `#whole-since:<ms>`,
 * which members adds when the set has none (at its start, and in the script). Inside the set, it goes with the set:
 * when Redis lost the set (a restart without persistence, a flush, an eviction), sessions that ended before the new
 * mark may be missing from it, and a gateway checks tokens issued before the mark against `session:<sid>` (gone too,
 * if Redis lost everything) until they expire; with no mark at all, every token.
 */
export const ENDED_SESSIONS_KEY = 'sessions:ended';

/** Unprefixed, as all channels: the deployment's key prefix goes in front (ioredis prefixes keys only). */
export const ENDED_SESSIONS_CHANNEL = 'sessions:ended';

const MARK_PREFIX = '#whole-since:';

/** The set's mark for a set whole from `since` (ms). */
export const wholeSinceMark = (since: number) => `${MARK_PREFIX}${since}`;

/** The time a set member marks the set whole from, or null for a session id. */
export function wholeSinceOf(member: string): number | null {
  if (!member.startsWith(MARK_PREFIX)) return null;
  const since = Number(member.slice(MARK_PREFIX.length));
  return Number.isFinite(since) ? since : null;
}

/** What the channel carries: the sessions that ended, and when their last access tokens will have expired (ms). */
export interface EndedSessionsMessage {
  sessionIds: string[];
  forgetAt: number;
}

export function parseEndedSessions(message: string): EndedSessionsMessage | null {
  try {
    const parsed = JSON.parse(message) as Partial<EndedSessionsMessage>;
    if (!Array.isArray(parsed.sessionIds) || typeof parsed.forgetAt !== 'number') return null;
    return { sessionIds: parsed.sessionIds.filter((id): id is string => typeof id === 'string'), forgetAt: parsed.forgetAt };
  } catch {
    return null;
  }
}
