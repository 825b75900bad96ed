import { demoId } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member } from './member.entity.js';
import { Role } from './role.js';

/** Demo members; other subgraphs refer to them through the same `demoId` names. */
export const demoMembers = [
  { key: 'member:mina', email: 'mina@demo.commerce', name: 'Mina Seo', roles: [Role.CUSTOMER, Role.SELLER] },
  { key: 'member:joon', email: 'joon@demo.commerce', name: 'Joon Park', roles: [Role.CUSTOMER, Role.SELLER] },
  { key: 'member:alice', email: 'alice@demo.commerce', name: 'Alice Kim', roles: [Role.CUSTOMER] },
  { key: 'member:bob', email: 'bob@demo.commerce', name: 'Bob Lee', roles: [Role.CUSTOMER] },
];

export async function seedMembers(em: EntityManager): Promise<boolean> {
  if ((await em.count(Member)) > 0) return false;
  for (const demo of demoMembers) {
    em.create(Member, { id: demoId(demo.key), email: demo.email, name: demo.name, roles: demo.roles, emailVerified: true });
  }
  await em.flush();
  return true;
}
