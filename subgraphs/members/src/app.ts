import { createSubgraphApp, type SubgraphConfig, type SubgraphDefinition } from '@commerce/kit';
import { createMembersLoaders, type MembersLoaders } from './context.js';
import { Member } from './member/member.entity.js';
import { resolveMemberReference } from './member/member.reference.js';
import { MemberResolver } from './member/member.resolver.js';
import { seedMembers } from './member/member.seed.js';
import { migrations } from './migrations/index.js';

export const membersSubgraph: SubgraphDefinition<MembersLoaders> = {
  name: 'members',
  dbSchema: 'members',
  entities: [Member],
  migrations,
  resolvers: [MemberResolver],
  orphanedTypes: [Member],
  referenceResolvers: { Member: resolveMemberReference },
  createLoaders: createMembersLoaders,
  seedDemo: seedMembers,
};

export function createApp(config: SubgraphConfig) {
  return createSubgraphApp(membersSubgraph, config);
}
