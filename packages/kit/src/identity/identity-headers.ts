import { createHmac, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { RoleName, Viewer } from './viewer.js';

export const IDENTITY_HEADER = 'x-commerce-identity';
export const IDENTITY_SIGNATURE_HEADER = 'x-commerce-identity-signature';

/** How long a signed identity stays valid: long enough for one request's fetches, too short to be worth replaying. */
const MAX_AGE_MS = 60_000;

interface IdentityClaims {
  sub: string | null;
  roles: RoleName[];
  sid: string | null;
  svc: string | null;
  /** May purchase (members only). */
  cp?: boolean;
  /** Issued at, ms since epoch. */
  iat: number;
}

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('base64url');

/**
 * The headers the gateway (or a service) attaches to a subgraph call: the verified identity and an HMAC
 * over it with the shared secret. A client that calls a subgraph directly cannot forge them.
 */
export function signIdentity(viewer: Viewer, secret: string, now = Date.now()): Record<string, string> {
  const claims: IdentityClaims = {
    sub: viewer.memberId,
    roles: viewer.roles,
    sid: viewer.sessionId,
    svc: viewer.service,
    ...(viewer.canPurchase === undefined ? {} : { cp: viewer.canPurchase }),
    iat: now,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [IDENTITY_SIGNATURE_HEADER]: sign(payload, secret) };
}

const refuse = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

/**
 * Reads the identity a trusted gateway forwarded. No identity headers: an anonymous caller (null).
 * Headers that do not verify: refused outright, never downgraded to anonymous, so a forgery is visible.
 */
export function verifyIdentity(
  headers: { get(name: string): string | null | undefined },
  secret: string,
  now = Date.now(),
): Viewer | null {
  return verifiedIdentity(headers, secret, now)?.viewer ?? null;
}

/** verifyIdentity's viewer and the time the identity was signed at. */
function verifiedIdentity(
  headers: { get(name: string): string | null | undefined },
  secret: string,
  now: number,
): { viewer: Viewer; iat: number } | null {
  const payload = headers.get(IDENTITY_HEADER);
  const signature = headers.get(IDENTITY_SIGNATURE_HEADER);
  if (!payload && !signature) return null;
  if (!payload || !signature) throw refuse('Incomplete identity headers.');
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw refuse('Identity signature does not verify; call through the gateway.');
  }
  let claims: IdentityClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as IdentityClaims;
  } catch {
    throw refuse('Malformed identity.');
  }
  if (typeof claims.iat !== 'number' || Math.abs(now - claims.iat) > MAX_AGE_MS) throw refuse('Identity has expired.');
  const viewer: Viewer = {
    memberId: claims.sub,
    roles: claims.roles ?? [],
    sessionId: claims.sid,
    service: claims.svc,
    ...(typeof claims.cp === 'boolean' ? { canPurchase: claims.cp } : {}),
  };
  return { viewer, iat: claims.iat };
}

/** Long enough that a member's burst of requests shares one signature; far inside MAX_AGE_MS. */
const REUSE_SIGNATURE_MS = 5_000;
const MAX_REMEMBERED = 10_000;

/**
 * signIdentity for a server that signs for many requests (the gateway): one viewer's headers are signed once and
 * reused for a few seconds, instead of an HMAC per request. Reuse opens no replay a single signature does not
 * already allow: any signed identity is valid for MAX_AGE_MS wherever it is sent.
 */
export class IdentitySigner {
  private readonly recent = new Map<string, { headers: Record<string, string>; signedAt: number }>();

  constructor(
    private readonly secret: string,
    private readonly reuseMs = REUSE_SIGNATURE_MS,
  ) {}

  sign(viewer: Viewer, now = Date.now()): Record<string, string> {
    const key = `${viewer.memberId}|${viewer.sessionId}|${viewer.service}|${viewer.roles.join(',')}|${viewer.canPurchase}`;
    const recent = this.recent.get(key);
    if (recent && now - recent.signedAt < this.reuseMs && now >= recent.signedAt) return recent.headers;
    const headers = signIdentity(viewer, this.secret, now);
    if (this.recent.size >= MAX_REMEMBERED) this.recent.clear();
    this.recent.set(key, { headers, signedAt: now });
    return headers;
  }
}

/**
 * verifyIdentity for a server that verifies many requests (a subgraph): an identity whose signature verified once
 * is remembered, so the same headers again (IdentitySigner reuses them) cost a constant-time comparison instead of
 * an HMAC. Its age is still checked on every use, and a different signature for a remembered identity is verified
 * (and refused) in full.
 */
export class IdentityVerifier {
  private readonly verified = new Map<string, { signature: Buffer; viewer: Viewer; iat: number }>();

  constructor(private readonly secret: string) {}

  verify(headers: { get(name: string): string | null | undefined }, now = Date.now()): Viewer | null {
    const payload = headers.get(IDENTITY_HEADER);
    const signature = headers.get(IDENTITY_SIGNATURE_HEADER);
    const known = payload ? this.verified.get(payload) : undefined;
    if (known && signature) {
      const given = Buffer.from(signature);
      if (given.length === known.signature.length && timingSafeEqual(given, known.signature)) {
        if (Math.abs(now - known.iat) > MAX_AGE_MS) throw refuse('Identity has expired.');
        return { ...known.viewer, roles: [...known.viewer.roles] };
      }
    }
    const verified = verifiedIdentity(headers, this.secret, now);
    if (!verified) return null;
    const { viewer, iat } = verified;
    if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
    // verifiedIdentity returned an identity, so both headers were there.
    this.verified.set(payload!, { signature: Buffer.from(signature!), viewer, iat });
    return { ...viewer, roles: [...viewer.roles] };
  }
}
