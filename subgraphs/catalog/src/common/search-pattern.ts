import { badUserInput } from '@commerce/kit';

const MAX_SEARCH_LENGTH = 100;

/**
 * Turns a client's search text into an ILIKE pattern matching it anywhere, with `%`, `_` and `\`
 * escaped so they match themselves. Blank text means "no search" (null).
 */
export function containsPattern(search: string | null | undefined, field = 'search'): string | null {
  const text = search?.trim() ?? '';
  if (text === '') return null;
  if (text.length > MAX_SEARCH_LENGTH) throw badUserInput(`${field} must be at most ${MAX_SEARCH_LENGTH} characters.`, field);
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}
