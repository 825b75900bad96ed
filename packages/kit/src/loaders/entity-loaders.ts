import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName } from '@mikro-orm/core';
import DataLoader from 'dataloader';

/**
 * Loads entities by primary key, one `IN (…)` query per tick. Unknown ids resolve to null.
 * Used by every `__resolveReference`, so a plan that asks for 100 entities costs one query.
 */
export function entityByIdLoader<Entity extends { id: string }>(
  em: EntityManager,
  entity: EntityName<Entity>,
): DataLoader<string, Entity | null> {
  return new DataLoader(async (ids) => {
    const rows = (await em.find(entity, { id: { $in: [...ids] } } as never)) as Entity[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * Loads the children of many parents at once (e.g. the variants of each product), one query per tick,
 * ordered by `orderBy` within each parent.
 */
export function childrenLoader<Entity extends object>(
  em: EntityManager,
  entity: EntityName<Entity>,
  parentKey: keyof Entity & string,
  orderBy: Partial<Record<keyof Entity & string, 'asc' | 'desc'>> = {},
): DataLoader<string, Entity[]> {
  return new DataLoader(async (parentIds) => {
    const rows = (await em.find(entity, { [parentKey]: { $in: [...parentIds] } } as never, {
      orderBy: orderBy as never,
    })) as Entity[];
    const byParent = new Map<string, Entity[]>();
    for (const row of rows) {
      const value = row[parentKey] as unknown;
      // A ManyToOne holds the parent entity (or its reference); a plain column holds the id itself.
      const parent = typeof value === 'object' && value !== null ? String((value as { id: unknown }).id) : String(value);
      const list = byParent.get(parent) ?? [];
      list.push(row);
      byParent.set(parent, list);
    }
    return parentIds.map((id) => byParent.get(id) ?? []);
  });
}
