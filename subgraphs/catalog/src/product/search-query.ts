import { badUserInput } from '@commerce/kit';

const MAX_SEARCH_LENGTH = 100;
const MAX_TERMS = 10;

/**
 * Turns a client's search text into a `to_tsquery('simple', …)` text: every word must match, each as a
 * prefix ("lin" finds "linen", as in search-as-you-type). Words are runs of letters and digits, so no
 * tsquery operator a client types reaches the parser. Blank text means no search (null); text without
 * any word (e.g. "%") is a search that matches nothing ('').
 */
export function prefixTsQuery(search: string | null | undefined): string | null {
  const text = search?.trim() ?? '';
  if (text === '') return null;
  if (text.length > MAX_SEARCH_LENGTH) throw badUserInput(`search must be at most ${MAX_SEARCH_LENGTH} characters.`, 'search');
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS);
  return words.map((word) => `${word}:*`).join(' & ');
}
