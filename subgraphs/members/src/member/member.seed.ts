import { demoId, demoMembers } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member } from './member.entity.js';
import { Role } from './role.js';

/** Seeds the demo shop's members when the subgraph has none. */
export async function seedMembers(em: EntityManager): Promise<boolean> {
  if ((await em.count(Member)) > 0) return false;
  for (const demo of demoMembers) {
    em.create(Member, {
      id: demoId(demo.key),
      email: demo.email,
      name: demo.name,
      roles: demo.seller ? [Role.CUSTOMER, Role.SELLER] : [Role.CUSTOMER],
      emailVerified: true,
    });
  }
  await em.flush();
  return true;
}
