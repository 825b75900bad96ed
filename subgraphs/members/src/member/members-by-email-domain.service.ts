import { badUserInput, isUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';

export const MAX_DOMAIN_PAGE = 1_000;
// A DNS name: labels of letters, digits and hyphens, at least one dot.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/**
 * IDs of members whose email is exactly at `domain` (not its subdomains), in id order after `after`.
 * Emails are stored lower-cased, so the domain is compared lower-cased. Keyset paging walks the primary key
 * and filters as it goes, so each page costs about `first` matches, not a scan of everything before `after`.
 */
export async function membersByEmailDomain(em: EntityManager, domain: string, after: string | null, first: number): Promise<string[]> {
  const normalized = domain.trim().toLowerCase().replace(/^@/, '');
  if (!DOMAIN.test(normalized)) throw badUserInput('domain must be a domain name such as snu.ac.kr.', 'domain');
  if (!Number.isInteger(first) || first < 1 || first > MAX_DOMAIN_PAGE) throw badUserInput(`first must be 1 to ${MAX_DOMAIN_PAGE}.`, 'first');
  if (after !== null && !isUuid(after)) throw badUserInput('after must be a member ID.', 'after');
  const rows = await em.execute<{ id: string }[]>(
    `select "id" from "members"."member"
     where split_part("email", '@', 2) = ? ${after === null ? '' : 'and "id" > ?'}
     order by "id" limit ?`,
    after === null ? [normalized, first] : [normalized, after.toLowerCase(), first],
  );
  return rows.map((row) => row.id);
}
