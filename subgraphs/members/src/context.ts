import { entityByIdLoader, type SubgraphContext } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member } from './member/member.entity.js';

export function createMembersLoaders(em: EntityManager) {
  return {
    memberById: entityByIdLoader(em, Member),
  };
}

export type MembersLoaders = ReturnType<typeof createMembersLoaders>;
export type MembersContext = SubgraphContext<MembersLoaders>;
