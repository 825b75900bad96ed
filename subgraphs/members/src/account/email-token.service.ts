import type { EntityManager } from '@mikro-orm/postgresql';
import { hashToken, newSecretToken } from '../common/secret-token.js';
import { EmailToken, type EmailTokenPurpose } from './email-token.entity.js';

/** Creates a single-use token in the caller's unit of work; returns the secret to put in the mail. */
export function issueEmailToken(em: EntityManager, memberId: string, purpose: EmailTokenPurpose, ttlSeconds: number): string {
  const token = newSecretToken();
  em.create(EmailToken, { memberId, purpose, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + ttlSeconds * 1000) });
  return token;
}

/**
 * Spends a token: one guarded UPDATE, so of two concurrent uses exactly one wins. Returns the member it
 * belongs to, or null when it is unknown, of another purpose, expired or already used.
 */
export async function consumeEmailToken(em: EntityManager, token: string, purpose: EmailTokenPurpose): Promise<string | null> {
  const rows = await em.execute<{ member_id: string }[]>(
    `update "members"."email_token" set "used_at" = now()
     where "token_hash" = ? and "purpose" = ? and "used_at" is null and "expires_at" > now()
     returning "member_id"`,
    [hashToken(token), purpose],
  );
  return rows[0]?.member_id ?? null;
}

/** A token that could still be spent, without spending it (to validate what comes with it first). */
export function findUsableEmailToken(em: EntityManager, token: string, purpose: EmailTokenPurpose): Promise<EmailToken | null> {
  return em.findOne(EmailToken, { tokenHash: hashToken(token), purpose, usedAt: null, expiresAt: { $gt: new Date() } });
}
