import { Migration20261121000000_members } from './Migration20261121000000_members.js';
import { Migration20261123000000_accounts } from './Migration20261123000000_accounts.js';
import { Migration20261222000000_point_release_tombstones } from './Migration20261222000000_point_release_tombstones.js';
import { Migration20261230000000_wishlist_by_product } from './Migration20261230000000_wishlist_by_product.js';

/** Every migration of this subgraph, in the order it applies. Append; never edit one that has shipped. */
export const migrations = [
  { name: 'Migration20261121000000_members', class: Migration20261121000000_members },
  { name: 'Migration20261123000000_accounts', class: Migration20261123000000_accounts },
  { name: 'Migration20261222000000_point_release_tombstones', class: Migration20261222000000_point_release_tombstones },
  { name: 'Migration20261230000000_wishlist_by_product', class: Migration20261230000000_wishlist_by_product },
];
