import { badUserInput, isUuid, notFound, type PageArgs, readPageArgs, requireUuid, toConnection } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CouponsLoaders } from '../context.js';
import { CouponTemplate } from './coupon-template.entity.js';

/** One template by a client-supplied ID: malformed is BAD_USER_INPUT, unknown is NOT_FOUND. */
export async function getCouponTemplate(loaders: CouponsLoaders, id: string): Promise<CouponTemplate> {
  const template = await loaders.couponTemplateById.load(requireUuid(id));
  if (!template) throw notFound('CouponTemplate', id);
  return template;
}

/** A page of templates in ID order, which for UUIDv7 ids is creation order. */
export async function listCouponTemplates(em: EntityManager, args: PageArgs) {
  const { limit, afterKey } = readPageArgs(args);
  // A forged cursor must not reach Postgres as a malformed uuid, which would surface as an internal error.
  if (afterKey !== null && !isUuid(afterKey)) throw badUserInput('after is not a cursor this API issued.', 'after');
  const rows = await em.find(CouponTemplate, afterKey === null ? {} : { id: { $gt: afterKey.toLowerCase() } }, {
    orderBy: { id: 'asc' },
    limit: limit + 1,
  });
  return toConnection(rows, limit, (template) => template.id, afterKey !== null);
}
