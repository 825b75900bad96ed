import { childrenLoader, entityByIdLoader, type SubgraphContext } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ShippingAddress } from './address/shipping-address.entity.js';
import { Member } from './member/member.entity.js';
import { PointWallet } from './points/point-wallet.entity.js';
import type { MembersServices } from './services.js';
import { WishlistItem } from './wishlist/wishlist-item.entity.js';

export function createMembersLoaders(em: EntityManager) {
  return {
    memberById: entityByIdLoader(em, Member),
    addressesOfMember: childrenLoader(em, ShippingAddress, 'memberId', { createdAt: 'asc', id: 'asc' }),
    wishlistOfMember: childrenLoader(em, WishlistItem, 'memberId', { createdAt: 'desc' }),
    walletOfMember: childrenLoader(em, PointWallet, 'memberId'),
  };
}

export type MembersLoaders = ReturnType<typeof createMembersLoaders>;
export type MembersContext = SubgraphContext<MembersLoaders, MembersServices>;
