import { Migration20261122000000_catalog } from './Migration20261122000000_catalog.js';
import { Migration20261201000000_catalog_commerce } from './Migration20261201000000_catalog_commerce.js';

/** Every migration of this subgraph, in the order it applies. Append; never edit one that has shipped. */
export const migrations = [
  { name: 'Migration20261122000000_catalog', class: Migration20261122000000_catalog },
  { name: 'Migration20261201000000_catalog_commerce', class: Migration20261201000000_catalog_commerce },
];
