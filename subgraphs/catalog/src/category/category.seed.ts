import { demoCategories, demoId } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Category } from './category.entity.js';

export function seedCategories(em: EntityManager): void {
  for (const demo of demoCategories) {
    em.create(Category, { id: demoId(demo.key), name: demo.name, slug: demo.slug });
  }
}
