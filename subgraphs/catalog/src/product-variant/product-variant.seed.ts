import { DEMO_CURRENCY, demoId, demoProducts } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Product } from '../product/product.entity.js';
import { ProductVariant } from './product-variant.entity.js';

export function seedProductVariants(em: EntityManager): void {
  for (const product of demoProducts) {
    product.variants.forEach((demo, position) => {
      em.create(ProductVariant, {
        id: demoId(demo.key),
        product: em.getReference(Product, demoId(product.key)),
        sku: demo.sku,
        options: demo.options,
        priceAmount: demo.price,
        currency: DEMO_CURRENCY,
        position,
        // Inventory's seed stocks the same demo variants; until it reports, catalog starts from the same numbers.
        inStock: demo.onHand > 0,
      });
    });
  }
}
