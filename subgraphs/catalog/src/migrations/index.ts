import { Migration20261122000000_catalog } from './Migration20261122000000_catalog.js';

/** Every migration of this subgraph, in the order it applies. Append; never edit one that has shipped. */
export const migrations = [{ name: 'Migration20261122000000_catalog', class: Migration20261122000000_catalog }];
