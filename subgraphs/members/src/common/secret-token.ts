import { createHash, randomBytes } from 'node:crypto';

/** A random, URL-safe secret for links and refresh tokens (256 bits). */
export const newSecretToken = () => randomBytes(32).toString('base64url');

/**
 * Only a hash of each secret token is stored: a leaked table grants nothing. SHA-256 suffices because the
 * tokens carry 256 bits of randomness (no need for a slow hash, unlike passwords).
 */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
