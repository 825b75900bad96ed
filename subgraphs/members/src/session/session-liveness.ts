import type { Redis } from 'ioredis';

/**
 * The Redis record the gateway checks on every request: `session:<sid>` exists (holding the member ID) while
 * the device session is alive. Deleting it ends the session's access tokens at once, not at their expiry.
 */
export class SessionLiveness {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  static key(sessionId: string) {
    return `session:${sessionId}`;
  }

  async keepAlive(sessionId: string, memberId: string): Promise<void> {
    await this.redis.set(SessionLiveness.key(sessionId), memberId, 'EX', this.ttlSeconds);
  }

  async end(sessionIds: string[]): Promise<void> {
    if (sessionIds.length > 0) await this.redis.del(...sessionIds.map(SessionLiveness.key));
  }
}
