import { badUserInput, isUuid } from '@commerce/kit';

/**
 * Cursors of a search listing, which is ordered by rank, then id: the cursor must carry both, and the
 * kit's cursors only carry a UUID. The rank is PostgreSQL's float4 `ts_rank`, written as the shortest
 * decimal that reads back as the same float4 (JavaScript's number formatting of the value pg gave us),
 * so `rank = $cursor::real` finds the exact row again.
 */
const PREFIX = 'rank:';
const RANK_PATTERN = /^\d+(\.\d+)?(e-\d+)?$/;

export interface SearchCursor {
  rank: number;
  id: string;
}

export function encodeSearchCursor({ rank, id }: SearchCursor): string {
  return Buffer.from(`${PREFIX}${rank}:${id}`).toString('base64url');
}

/** Reads a search cursor; anything else (a plain listing's cursor, a forged one) is BAD_USER_INPUT. */
export function decodeSearchCursor(cursor: string): SearchCursor {
  const text = Buffer.from(cursor, 'base64url').toString();
  const [rank, id] = text.startsWith(PREFIX) ? text.slice(PREFIX.length).split(':') : [];
  if (!rank || !id || !RANK_PATTERN.test(rank) || !isUuid(id)) {
    throw badUserInput('after is not a cursor of a search listing (a cursor only continues the listing that issued it).', 'after');
  }
  return { rank: Number(rank), id: id.toLowerCase() };
}
