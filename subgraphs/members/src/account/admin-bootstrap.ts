import { ConfigError } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUniqueViolation } from '../common/unique-violation.js';
import type { MembersConfig } from '../config.js';
import { Member } from '../member/member.entity.js';
import { Role } from '../member/role.js';
import type { PasswordHasher } from './password-hasher.js';
import { normalizeEmail } from './password-policy.js';

/**
 * Creates the admin account from configuration, or brings an existing one in line (ADMIN role, verified,
 * the configured password). Runs at every start; replicas starting together race on the unique email and
 * the loser simply updates. Does nothing when ADMIN_EMAIL/ADMIN_PASSWORD are unset (allowed outside production).
 */
export async function ensureAdmin(em: EntityManager, config: MembersConfig, hasher: PasswordHasher): Promise<Member | null> {
  if (!config.ADMIN_EMAIL || !config.ADMIN_PASSWORD) return null;
  const email = normalizeEmail(config.ADMIN_EMAIL);
  if (!email) throw new ConfigError('Invalid configuration:\n  ADMIN_EMAIL: not an email address');
  for (let attempt = 0; ; attempt++) {
    const admin = await em.findOne(Member, { email }, { populate: ['passwordHash'] });
    try {
      if (!admin) {
        const created = em.create(Member, {
          email,
          name: config.ADMIN_NAME,
          roles: [Role.CUSTOMER, Role.ADMIN],
          emailVerified: true,
          passwordHash: await hasher.hash(config.ADMIN_PASSWORD),
        });
        await em.flush();
        return created;
      }
      if (!admin.roles.includes(Role.ADMIN)) admin.roles = [...admin.roles, Role.ADMIN];
      admin.emailVerified = true;
      if (!(await hasher.verify(config.ADMIN_PASSWORD, admin.passwordHash)) || hasher.needsRehash(admin.passwordHash)) {
        admin.passwordHash = await hasher.hash(config.ADMIN_PASSWORD);
      }
      await em.flush();
      return admin;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt > 0) throw error;
      em.clear();
    }
  }
}
