import { memberViewer, type RoleName, serviceViewer, signIdentity } from '@commerce/kit';
import { TEST_GATEWAY_SECRET } from './subgraph-harness.js';

/** Headers that make a direct subgraph call look as if the test gateway verified `memberId`'s token. */
export function asMember(memberId: string, roles: RoleName[] = ['CUSTOMER'], sessionId: string | null = null, canPurchase = true) {
  return signIdentity(memberViewer(memberId, roles, sessionId, canPurchase), TEST_GATEWAY_SECRET);
}

/** Headers for a call from another of our services (internal operations). */
export function asService(service: string) {
  return signIdentity(serviceViewer(service), TEST_GATEWAY_SECRET);
}
