import { demoId } from '@commerce/demo-data';
import { asMember, graphqlData, graphqlRequest } from '@commerce/testkit';
import { sleep } from './report.js';

export interface SeedPlan {
  /** Extra stores, owned alternately by the demo sellers mina and joon. */
  stores: number;
  productsPerStore: number;
  variantsPerProduct: number;
  /** Units put on hand of every extra variant (through inventory's adjustStock as the owner); 0 skips it. */
  initialStock: number;
}

export interface SeededVariant {
  id: string;
  ownerId: string;
}

export interface Seeded {
  products: string[];
  variants: SeededVariant[];
}

const SELLERS = [demoId('member:mina'), demoId('member:joon')];
const seller = (ownerId: string) => asMember(ownerId, ['CUSTOMER', 'SELLER']);

/** Runs `work` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

/**
 * Adds stores, products and variants through catalog's own mutations, as the demo sellers (signed identity,
 * as the gateway would forward it). Inventory learns of them through catalog's outbox; with `initialStock`
 * this waits until it has and stocks every variant.
 */
export async function seedExtra(urls: Record<string, string>, plan: Partial<SeedPlan>): Promise<Seeded> {
  const { stores = 0, productsPerStore = 0, variantsPerProduct = 1, initialStock = 0 } = plan;
  const seeded: Seeded = { products: [], variants: [] };
  if (stores === 0) return seeded;
  const run = Date.now().toString(36);
  const storeList = await mapLimit([...Array(stores).keys()], 4, async (i) => {
    const ownerId = SELLERS[i % SELLERS.length]!;
    const data = await graphqlData(
      urls.catalog!,
      'mutation ($input: CreateStoreInput!) { createStore(input: $input) { id } }',
      { input: { name: `Bench Store ${i + 1}`, description: 'Seeded by the benchmarks.' } },
      seller(ownerId),
    );
    return { id: data.createStore.id as string, ownerId };
  });
  const jobs = storeList.flatMap((store, s) => [...Array(productsPerStore).keys()].map((p) => ({ store, s, p })));
  await mapLimit(jobs, 4, async ({ store, s, p }) => {
    const variants = [...Array(variantsPerProduct).keys()].map((v) => ({
      sku: `B-${run}-${s}-${p}-${v}`,
      options: [{ name: 'size', value: `S${v}` }],
      price: 10_000 + 100 * v,
    }));
    const data = await graphqlData(
      urls.catalog!,
      'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id variants { id } } }',
      { input: { storeId: store.id, name: `Bench Product ${s + 1}-${p + 1}`, description: 'Seeded by the benchmarks.', brand: 'Bench', imageUrls: [], variants } },
      seller(store.ownerId),
    );
    seeded.products.push(data.createProduct.id);
    for (const variant of data.createProduct.variants) seeded.variants.push({ id: variant.id, ownerId: store.ownerId });
  });
  if (initialStock > 0) {
    await mapLimit(seeded.variants, 4, (variant) => adjustStock(urls.inventory!, variant, initialStock, 30_000));
  }
  return seeded;
}

const ADJUST = `mutation ($v: ID!, $d: Int!) { adjustStock(variantId: $v, delta: $d, reason: "bench") { __typename ... on StockLevel { available } } }`;

/**
 * adjustStock directly on inventory as the variant's owner; retries while inventory does not know the variant
 * yet (catalog's outbox has not delivered it). Resolves with the available units after the change.
 */
export async function adjustStock(inventoryUrl: string, variant: SeededVariant, delta: number, waitMs = 0): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const response = await graphqlRequest(inventoryUrl, ADJUST, { v: variant.id, d: delta }, seller(variant.ownerId));
    const result = response.data?.adjustStock;
    if (result?.__typename === 'StockLevel') return result.available as number;
    if (Date.now() > deadline) throw new Error(`adjustStock ${variant.id} failed: ${JSON.stringify(response.errors ?? result)}`);
    await sleep(100);
  }
}
