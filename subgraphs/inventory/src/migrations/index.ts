import { Migration20261121000000_inventory } from './Migration20261121000000_inventory.js';

/** Every migration of this subgraph, in the order it applies. Append; never edit one that has shipped. */
export const migrations = [{ name: 'Migration20261121000000_inventory', class: Migration20261121000000_inventory }];
