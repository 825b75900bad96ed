import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ConfigError } from '@commerce/kit';
import { calculateJwkThumbprint, exportJWK, type JWK, SignJWT } from 'jose';

export const TOKEN_ISSUER = 'commerce-members';
export const TOKEN_AUDIENCE = 'commerce';

export interface AccessTokenClaims {
  memberId: string;
  sessionId: string;
  roles: string[];
  /** Whether the member may buy (verified email, or verification not required): enforced without a call to members. */
  canPurchase: boolean;
}

export interface TokenSigner {
  sign(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }>;
  /** The JWKS document the gateway verifies access tokens with. */
  jwks(): { keys: JWK[] };
}

function loadPrivateKey(pem: string | undefined, production: boolean, warn: (message: string) => void): KeyObject {
  if (pem) {
    let key: KeyObject;
    try {
      key = createPrivateKey(pem.replace(/\\n/g, '\n'));
    } catch {
      throw new ConfigError('Invalid configuration:\n  JWT_PRIVATE_KEY: not a PKCS8 PEM private key');
    }
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new ConfigError('Invalid configuration:\n  JWT_PRIVATE_KEY: must be an Ed25519 key (EdDSA)');
    }
    return key;
  }
  if (production) throw new ConfigError('Invalid configuration:\n  JWT_PRIVATE_KEY: required in production');
  warn('JWT_PRIVATE_KEY is not set: signing with an ephemeral Ed25519 key; tokens die with this process.');
  return generateKeyPairSync('ed25519').privateKey;
}

/**
 * Signs access tokens with Ed25519 (EdDSA): the gateway verifies them with the public half from the JWKS,
 * so no verifying party can mint tokens. The `kid` is the key's RFC 7638 thumbprint, stable for a key.
 */
export async function createTokenSigner(options: {
  privateKeyPem: string | undefined;
  production: boolean;
  accessTokenTtlSeconds: number;
  warn?: (message: string) => void;
}): Promise<TokenSigner> {
  const privateKey = loadPrivateKey(options.privateKeyPem, options.production, options.warn ?? console.warn);
  const publicJwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(publicJwk);
  const published: JWK = { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' };
  return {
    async sign({ memberId, sessionId, roles, canPurchase }) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + options.accessTokenTtlSeconds;
      const token = await new SignJWT({ sid: sessionId, roles, cp: canPurchase })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setSubject(memberId)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(privateKey);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    jwks: () => ({ keys: [published] }),
  };
}
