import { catalogSubgraph } from '@commerce/catalog';
import { couponsSubgraph } from '@commerce/coupons';
import { inventorySubgraph } from '@commerce/inventory';
import type { SubgraphDefinition } from '@commerce/kit';
import { membersSubgraph } from '@commerce/members';
import { ordersSubgraph } from '@commerce/orders';

/** The supergraph's subgraphs with the URLs composed in for a local run (the gateway can override each). */
export const subgraphs: { definition: SubgraphDefinition<any, any, any>; url: string }[] = [
  { definition: membersSubgraph, url: 'http://127.0.0.1:4001/graphql' },
  { definition: catalogSubgraph, url: 'http://127.0.0.1:4002/graphql' },
  { definition: inventorySubgraph, url: 'http://127.0.0.1:4003/graphql' },
  { definition: ordersSubgraph, url: 'http://127.0.0.1:4004/graphql' },
  { definition: couponsSubgraph, url: 'http://127.0.0.1:4005/graphql' },
];
