import { UniqueConstraintViolationException } from '@mikro-orm/core';

/** Whether a write failed on a unique constraint: the loser of a race for the same key. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof UniqueConstraintViolationException || (error as { code?: string })?.code === '23505';
}
