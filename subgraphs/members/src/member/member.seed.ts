import { demoId, demoMembers } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PasswordHasher } from '../account/password-hasher.js';
import { Member } from './member.entity.js';
import { Role } from './role.js';

/** Every demo member logs in with this password (documented for demos; never used outside SEED_DEMO). */
export const DEMO_PASSWORD = 'demo-password-1';

/** Seeds the demo shop's members when the subgraph has none. */
export async function seedMembers(em: EntityManager, hasher: PasswordHasher): Promise<boolean> {
  if ((await em.count(Member)) > 0) return false;
  for (const demo of demoMembers) {
    em.create(Member, {
      id: demoId(demo.key),
      email: demo.email,
      name: demo.name,
      roles: demo.seller ? [Role.CUSTOMER, Role.SELLER] : [Role.CUSTOMER],
      emailVerified: true,
      passwordHash: await hasher.hash(DEMO_PASSWORD),
    });
  }
  await em.flush();
  return true;
}
