import type { SubgraphConfig } from '@commerce/kit';
import { asMember, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createApp } from '../src/app.js';
import { startUpstreamDouble, type UpstreamDouble } from './upstream-double.js';

export interface CatalogUnderTest {
  subgraph: RunningSubgraph;
  /** Plays both members and inventory: the relay's calls land here. */
  upstream: UpstreamDouble;
  close(): Promise<void>;
}

/** Boots the catalog on a test database with its outbox relay pointed at an upstream double. */
export async function startCatalog(label: string, overrides: Partial<SubgraphConfig> = {}): Promise<CatalogUnderTest> {
  const upstream = await startUpstreamDouble();
  const subgraph = await startTestSubgraph(
    (config) =>
      createApp({ ...config, MEMBERS_URL: upstream.url, INVENTORY_URL: upstream.url, OUTBOX_POLL_MS: 50, OUTBOX_RETRY_BASE_MS: 100, ...overrides }),
    label,
    overrides,
  );
  return {
    subgraph,
    upstream,
    async close() {
      await subgraph.close();
      await upstream.close();
    },
  };
}

export const newMemberId = () => randomUUID();

/** A GraphQL call to `url` as `memberId` (null: anonymous; 'ADMIN' roles for admins). */
export function caller(url: string) {
  return {
    async data(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      const response = await graphqlRequest(url, query, variables, headers);
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      return response.data;
    },
    async errorCode(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      const response = await graphqlRequest(url, query, variables, headers);
      expect(response.errors, JSON.stringify(response)).toHaveLength(1);
      return response.errors![0]!.extensions?.code as string;
    },
    async error(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      const response = await graphqlRequest(url, query, variables, headers);
      expect(response.errors, JSON.stringify(response)).toHaveLength(1);
      return response.errors![0]!;
    },
  };
}

export const member = (memberId: string) => asMember(memberId, ['CUSTOMER']);
export const admin = (memberId = randomUUID()) => asMember(memberId, ['CUSTOMER', 'ADMIN']);

export const CREATE_STORE = `mutation ($input: CreateStoreInput!) { createStore(input: $input) { id name description owner { id } followerCount } }`;
export const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) {
  id name brand description imageUrls likeCount inStock category { slug } store { id }
  variants { id sku options { name value } price { amount currency } inStock } } }`;

let skuCounter = 0;
/** A SKU no other test of the file uses. */
export const uniqueSku = (stem = 'SKU') => `${stem}-${process.pid}-${++skuCounter}-${randomUUID().slice(0, 8)}`;

/** Creates a store owned by `ownerId` through the API; answers its id. */
export async function createStoreAs(url: string, ownerId: string, name = 'Test store'): Promise<string> {
  const data = await caller(url).data(CREATE_STORE, { input: { name } }, member(ownerId));
  return data.createStore.id;
}

/** Creates a product with `prices.length` variants through the API; answers the product. */
export async function createProductAs(
  url: string,
  ownerId: string,
  storeId: string,
  fields: Record<string, unknown> = {},
  prices: number[] = [10_000],
): Promise<{ id: string; variants: { id: string; sku: string }[] }> {
  const input = {
    storeId,
    name: 'Test product',
    variants: prices.map((price, index) => ({ sku: uniqueSku(), options: [{ name: 'n', value: String(index) }], price })),
    ...fields,
  };
  const data = await caller(url).data(CREATE_PRODUCT, { input }, member(ownerId));
  return data.createProduct;
}
export { eventually } from '@commerce/testkit';
