import type { MembersContext } from '../context.js';

export function resolveMemberReference(reference: Record<string, unknown>, { loaders }: MembersContext) {
  return loaders.memberById.load(String(reference.id));
}
