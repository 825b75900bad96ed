import { demoId, demoStores } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Store } from './store.entity.js';

export function seedStores(em: EntityManager): void {
  for (const demo of demoStores) {
    em.create(Store, { id: demoId(demo.key), name: demo.name, description: demo.description, ownerId: demoId(demo.owner) });
  }
}
