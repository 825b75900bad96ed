import type { Viewer } from '@commerce/kit/http';
import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import type { EndedSessions } from './ended-sessions.js';

/** The claims the members subgraph puts in an access token. */
interface AccessTokenClaims extends JWTPayload {
  sub: string;
  sid: string;
  roles: Viewer['roles'];
  /** May purchase (see Viewer.canPurchase). */
  cp?: boolean;
}

export const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export interface AccessTokenVerifierOptions {
  /** Where the members subgraph publishes its public keys. */
  jwksUrl: string;
  /** Shares the members subgraph's key prefix: `session:<sid>` exists while that device session is alive. */
  redis: Redis;
  /** The ended sessions held in memory; without them (or where they cannot tell) Redis is asked. */
  endedSessions?: EndedSessions;
  /** Told what answered each session check (for metrics). */
  onSessionCheck?: (answeredBy: 'memory' | 'redis') => void;
}

/**
 * Verifies a member's access token once per request (or per WebSocket connection): the EdDSA signature
 * against members' JWKS (cached; refetched when a new key id appears), issuer, audience and expiry, and
 * then that the device session has not ended (in memory, else in Redis), so logging out takes effect at once
 * rather than when the token expires.
 */
export function createAccessTokenVerifier({ jwksUrl, redis, endedSessions, onSessionCheck }: AccessTokenVerifierOptions) {
  const jwks = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  // A token's signature never changes: verify it once (jose verifies EdDSA through WebCrypto, a tenth of the
  // gateway's CPU under load) and remember its claims, with the viewer they make, until it expires. The session
  // check below still runs on every request, so logging out is as immediate as before.
  const verified = new Map<string, VerifiedToken>();
  const MAX_REMEMBERED = 50_000;

  async function verifySignature(token: string): Promise<VerifiedToken> {
    const known = verified.get(token);
    if (known && known.expiresAt > Date.now()) return known;
    const claims = await verifyAndRead(token);
    const entry: VerifiedToken = { claims, viewer: viewerOf(claims), expiresAt: (claims.exp ?? 0) * 1000 };
    if (verified.size >= MAX_REMEMBERED) verified.delete(verified.keys().next().value!);
    verified.set(token, entry);
    return entry;
  }

  /** Whether the session has ended, as memory knows it; undefined when only Redis can tell. Counts the check. */
  function endedInMemory({ claims }: VerifiedToken): boolean | undefined {
    const ended = endedSessions?.ended(claims.sid, claims.iat);
    if (ended !== undefined) onSessionCheck?.('memory');
    return ended;
  }

  async function verifyToken(token: string): Promise<Viewer & { expiresAt: number }> {
    const entry = await verifySignature(token);
    let ended = endedInMemory(entry);
    if (ended === undefined) {
      onSessionCheck?.('redis');
      ended = (await redis.exists(`session:${entry.claims.sid}`)) === 0;
    }
    if (ended) throw unauthenticated('The session has ended; log in again.');
    return { ...entry.viewer, roles: [...entry.viewer.roles], expiresAt: entry.expiresAt };
  }

  async function verifyAndRead(token: string): Promise<AccessTokenClaims> {
    let claims: AccessTokenClaims;
    try {
      ({ payload: claims } = (await jwtVerify(token, jwks, {
        issuer: 'commerce-members',
        audience: 'commerce',
        algorithms: ['EdDSA'],
      })) as { payload: AccessTokenClaims });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The access token has expired; refresh the session.');
      if (error instanceof joseErrors.JOSEError) throw unauthenticated('The access token is not valid.');
      throw error;
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !Array.isArray(claims.roles)) {
      throw unauthenticated('The access token is not valid.');
    }
    return claims;
  }

  return {
    verifyToken,
    /**
     * The viewer for an `Authorization` header value: null without one, UNAUTHENTICATED for a bad one. A token
     * verified before whose session memory vouches for is answered at once, without a promise (a request's context
     * is built on every request, and each async step there was an allocation the garbage collector paid for); the
     * viewer is then the token's own, shared and frozen.
     */
    viewerFromAuthorization(header: string | undefined | null): Viewer | null | Promise<Viewer | null> {
      if (!header) return null;
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      if (!match) throw unauthenticated('Send the access token as "Authorization: Bearer <token>".');
      const token = match[1]!;
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now()) {
        const ended = endedInMemory(known);
        if (ended === false) return known.viewer;
        if (ended) throw unauthenticated('The session has ended; log in again.');
      }
      return verifyToken(token).then(({ expiresAt: _expiresAt, ...viewer }) => viewer);
    },
  };
}

/** A token whose signature verified: its claims, the viewer they make (frozen, shared by its requests), its expiry (ms). */
interface VerifiedToken {
  claims: AccessTokenClaims;
  viewer: Viewer;
  expiresAt: number;
}

function viewerOf(claims: AccessTokenClaims): Viewer {
  return Object.freeze({
    memberId: claims.sub,
    roles: Object.freeze([...claims.roles]) as Viewer['roles'],
    sessionId: claims.sid,
    service: null,
    canPurchase: claims.cp !== false,
  });
}

export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;
