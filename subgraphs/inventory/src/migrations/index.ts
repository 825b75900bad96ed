import { Migration20261121000000_inventory } from './Migration20261121000000_inventory.js';
import { Migration20261201000000_stock_control } from './Migration20261201000000_stock_control.js';
import { Migration20261215000000_time_sale_claims } from './Migration20261215000000_time_sale_claims.js';
import { Migration20261222000000_stock_return } from './Migration20261222000000_stock_return.js';
import { Migration20261230000000_variant_retirement } from './Migration20261230000000_variant_retirement.js';

/** Every migration of this subgraph, in the order it applies. Append; never edit one that has shipped. */
export const migrations = [
  { name: 'Migration20261121000000_inventory', class: Migration20261121000000_inventory },
  { name: 'Migration20261201000000_stock_control', class: Migration20261201000000_stock_control },
  { name: 'Migration20261215000000_time_sale_claims', class: Migration20261215000000_time_sale_claims },
  { name: 'Migration20261222000000_stock_return', class: Migration20261222000000_stock_return },
  { name: 'Migration20261230000000_variant_retirement', class: Migration20261230000000_variant_retirement },
];
