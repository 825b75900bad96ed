import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';

export interface MemberRelationKey {
  memberId: string;
  targetId: string;
}

/**
 * Answers "does this member have a row for this target" (a follow, a like) for many targets in one query
 * per member: `followedByMe` over a page of stores costs one query, not one per store.
 */
export function memberRelationLoader<Entity extends { memberId: string }>(
  em: EntityManager,
  entity: EntityName<Entity>,
  targetProperty: keyof Entity & string,
): DataLoader<MemberRelationKey, boolean, string> {
  return new DataLoader(
    async (keys) => {
      const byMember = new Map<string, string[]>();
      for (const { memberId, targetId } of keys) byMember.set(memberId, [...(byMember.get(memberId) ?? []), targetId]);
      const found = new Set<string>();
      for (const [memberId, targetIds] of byMember) {
        const rows = (await em.find(entity, { memberId, [targetProperty]: { $in: targetIds } } as never)) as Entity[];
        for (const row of rows) found.add(`${memberId}:${(row[targetProperty] as { id: string }).id}`);
      }
      return keys.map(({ memberId, targetId }) => found.has(`${memberId}:${targetId}`));
    },
    { cacheKeyFn: ({ memberId, targetId }) => `${memberId}:${targetId}` },
  );
}
