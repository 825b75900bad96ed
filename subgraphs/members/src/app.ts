import { createSubgraphApp, OutboxMessage, type SubgraphConfig, type SubgraphDefinition } from '@commerce/kit';
import { ensureAdmin } from './account/admin-bootstrap.js';
import { AccountResolver } from './account/account.resolver.js';
import { EmailToken } from './account/email-token.entity.js';
import { PasswordHasher } from './account/password-hasher.js';
import { ShippingAddress } from './address/shipping-address.entity.js';
import { ShippingAddressResolver } from './address/shipping-address.resolver.js';
import { membersConfig, type MembersConfig, type MembersSettings } from './config.js';
import { createMembersLoaders, type MembersLoaders } from './context.js';
import { startMailRelay } from './mail/mail-relay.js';
import { Member } from './member/member.entity.js';
import { resolveMemberReference } from './member/member.reference.js';
import { MemberResolver } from './member/member.resolver.js';
import { MembersByEmailDomainResolver } from './member/members-by-email-domain.resolver.js';
import { seedMembers } from './member/member.seed.js';
import { migrations } from './migrations/index.js';
import { PointEntry } from './points/point-entry.entity.js';
import { PointReleaseTombstone } from './points/point-release-tombstone.entity.js';
import { PointWallet } from './points/point-wallet.entity.js';
import { PointsInternalResolver } from './points/points-internal.resolver.js';
import { PointsResolver } from './points/points.resolver.js';
import { createMembersServices, type MembersServices } from './services.js';
import { DeviceSession } from './session/device-session.entity.js';
import { RefreshToken } from './session/refresh-token.entity.js';
import { SessionResolver } from './session/session.resolver.js';
import { ProductStub } from './wishlist/product.stub.js';
import { WishlistItem } from './wishlist/wishlist-item.entity.js';
import { WishlistResolver } from './wishlist/wishlist.resolver.js';

export const membersSubgraph: SubgraphDefinition<MembersLoaders, MembersServices, MembersConfig> = {
  name: 'members',
  dbSchema: 'members',
  entities: [Member, DeviceSession, RefreshToken, EmailToken, ShippingAddress, WishlistItem, PointWallet, PointEntry, PointReleaseTombstone, OutboxMessage],
  migrations,
  resolvers: [
    MemberResolver,
    MembersByEmailDomainResolver,
    AccountResolver,
    SessionResolver,
    ShippingAddressResolver,
    WishlistResolver,
    PointsResolver,
    PointsInternalResolver,
  ],
  orphanedTypes: [Member, ProductStub],
  referenceResolvers: { Member: resolveMemberReference },
  createLoaders: createMembersLoaders,
  createServices: createMembersServices,
  routes(app, { services }) {
    // The gateway fetches (and caches) the public keys that verify access tokens.
    app.get('/.well-known/jwks.json', (_req, res) => {
      res.set('cache-control', 'public, max-age=300').json(services.signer.jwks());
    });
  },
  async start({ orm, config, services, logger }) {
    await ensureAdmin(orm.em.fork(), config, services.hasher);
    const mail = startMailRelay(orm, config, logger);
    services.outbox.relay = mail.relay;
    return async () => {
      services.outbox.relay = null;
      await mail.stop();
    };
  },
};

/** Boots the members subgraph; settings it does not get take their defaults (see config.ts). */
export function createApp(config: SubgraphConfig & Partial<MembersSettings>) {
  const full = membersConfig(config);
  // The demo password is hashed at the configured cost, like any other.
  const hasher = new PasswordHasher(full.PASSWORD_HASH_COST);
  return createSubgraphApp({ ...membersSubgraph, seedDemo: (em) => seedMembers(em, hasher) }, full);
}

/** How members ends device sessions in Redis and announces it; the gateway's tests drive it beside their side. */
export { SessionLiveness } from './session/session-liveness.js';
