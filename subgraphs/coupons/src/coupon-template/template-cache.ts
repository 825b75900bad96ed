import type { EntityManager } from '@mikro-orm/postgresql';
import { CouponTemplate } from './coupon-template.entity.js';

/**
 * Templates never change once created (there is no update operation), so the claim hot path keeps them in
 * memory instead of asking PostgreSQL on every one of thousands of concurrent claims. Misses are not cached.
 */
export class TemplateCache {
  private readonly byId = new Map<string, Promise<CouponTemplate | null>>();
  private readonly byCode = new Map<string, string>();

  get(em: EntityManager, id: string): Promise<CouponTemplate | null> {
    let found = this.byId.get(id);
    if (!found) {
      found = em.fork().findOne(CouponTemplate, { id }, { disableIdentityMap: true });
      this.byId.set(id, found);
      found.then((template) => template ?? this.byId.delete(id), () => this.byId.delete(id));
    }
    return found;
  }

  async getByCode(em: EntityManager, code: string): Promise<CouponTemplate | null> {
    const id = this.byCode.get(code);
    if (id) return this.get(em, id);
    const template = await em.fork().findOne(CouponTemplate, { code }, { disableIdentityMap: true });
    if (template) {
      this.byCode.set(code, template.id);
      this.byId.set(template.id, Promise.resolve(template));
    }
    return template;
  }
}
