import { Ctx, Query, Resolver } from 'type-graphql';
import type { CatalogContext } from '../context.js';
import { Category } from './category.entity.js';

@Resolver(() => Category)
export class CategoryResolver {
  @Query(() => [Category], { description: 'Every category, by name.' })
  categories(@Ctx() { em }: CatalogContext) {
    return em.find(Category, {}, { orderBy: { name: 'asc' } });
  }
}
