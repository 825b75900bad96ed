import { Migration20261121000000_coupons } from './Migration20261121000000_coupons.js';
import { Migration20261201000000_issued_coupons } from './Migration20261201000000_issued_coupons.js';

/** Every migration of this subgraph, in the order it applies. Append; never edit one that has shipped. */
export const migrations = [
  { name: 'Migration20261121000000_coupons', class: Migration20261121000000_coupons },
  { name: 'Migration20261201000000_issued_coupons', class: Migration20261201000000_issued_coupons },
];
