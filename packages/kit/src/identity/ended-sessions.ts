/**
 * How the members subgraph tells gateways that device sessions ended (log out, log out everywhere, a password change
 * or reset, a replayed refresh token), so a gateway can refuse their access tokens without asking Redis on every
 * request. In one MULTI, members deletes each session's `session:<sid>` record, adds the session to the sorted set
 * ENDED_SESSIONS_KEY (scored by when its last access token will have expired, after which it is dropped) and
 * publishes the same on ENDED_SESSIONS_CHANNEL. A gateway subscribes, then reads the set, and holds the union in
 * memory: a session ended before its read is in the set, one ended after reaches it on the channel.
 *
 * ENDED_SESSIONS_WHOLE_SINCE_KEY holds the time (ms) from which the set is whole. The first gateway to find it
 * missing sets it to its now: Redis lost the set (a restart without persistence, a flush) or never had one, so
 * sessions that ended before then may be missing from it. Gateways check tokens issued before that time against
 * `session:<sid>` (gone too, if Redis lost everything) until they have expired.
 */
export const ENDED_SESSIONS_KEY = 'sessions:ended';

/** Unprefixed, as all channels: the deployment's key prefix goes in front (ioredis prefixes keys only). */
export const ENDED_SESSIONS_CHANNEL = 'sessions:ended';

export const ENDED_SESSIONS_WHOLE_SINCE_KEY = 'sessions:ended:whole-since';

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
