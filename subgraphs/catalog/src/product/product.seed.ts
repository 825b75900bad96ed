import { demoId, demoProducts } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Category } from '../category/category.entity.js';
import { Store } from '../store/store.entity.js';
import { Product } from './product.entity.js';

export function seedProducts(em: EntityManager): void {
  for (const demo of demoProducts) {
    em.create(Product, {
      id: demoId(demo.key),
      store: em.getReference(Store, demoId(demo.store)),
      category: em.getReference(Category, demoId(demo.category)),
      name: demo.name,
      brand: demo.brand,
      description: demo.description,
    });
  }
}
