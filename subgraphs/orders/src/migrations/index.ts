import { Migration20261121040000_orders } from './Migration20261121040000_orders.js';
import { Migration20261210000000_checkout } from './Migration20261210000000_checkout.js';

/** Every migration of this subgraph, in the order it applies. Append; never edit one that has shipped. */
export const migrations = [
  { name: 'Migration20261121040000_orders', class: Migration20261121040000_orders },
  { name: 'Migration20261210000000_checkout', class: Migration20261210000000_checkout },
];
