import { badUserInput, conflict, forbidden, hasRole, isUuid, notFound, type PageArgs, readPageArgs, requireRole, requireUuid, toConnection } from '@commerce/kit';
import type { GraphQLError } from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CouponsContext, CouponsLoaders } from '../context.js';
import { normalizeCouponCode } from './coupon-code.js';
import { CouponKind } from './coupon-kind.js';
import { CouponScope } from './coupon-scope.js';
import type { CreateCouponTemplateInput } from './coupon-template.input.js';
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

const CODE = /^[A-Z0-9-]{4,32}$/;
const STORE_OWNER = `query ($id: ID!) { store(id: $id) { owner { id } } }`;

/**
 * Creates a template. Admins may scope it anyhow; a seller only to one store they own (checked with the
 * catalog, which owns stores), so a seller cannot discount someone else's goods.
 */
export async function createCouponTemplate(context: CouponsContext, input: CreateCouponTemplateInput): Promise<CouponTemplate> {
  const viewer = requireRole(context, 'ADMIN', 'SELLER');
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw badUserInput('name must be 1 to 100 characters.', 'name');
  if (!Number.isInteger(input.value) || input.value < 1 || (input.kind === CouponKind.PERCENT && input.value > 100)) {
    throw badUserInput('value must be a whole amount above 0 (FIXED) or a percentage from 1 to 100 (PERCENT).', 'value');
  }
  const maxDiscount = input.maxDiscount ?? null;
  if (maxDiscount !== null && (input.kind !== CouponKind.PERCENT || !Number.isInteger(maxDiscount) || maxDiscount < 1)) {
    throw badUserInput('maxDiscount is a whole amount above 0, for PERCENT coupons only.', 'maxDiscount');
  }
  const minOrderAmount = input.minOrderAmount ?? 0;
  if (!Number.isInteger(minOrderAmount) || minOrderAmount < 0) throw badUserInput('minOrderAmount must be 0 or more.', 'minOrderAmount');
  const scopeIds = [...new Set((input.scopeIds ?? []).map((id) => id.toLowerCase()))];
  if ((input.scope === CouponScope.ALL) !== (scopeIds.length === 0) || !scopeIds.every(isUuid) || scopeIds.length > 1_000) {
    throw badUserInput('scopeIds must be empty for ALL and list up to 1,000 IDs otherwise.', 'scopeIds');
  }
  const validTo = input.validTo ?? null;
  if (Number.isNaN(input.validFrom.getTime()) || (validTo && !(validTo > input.validFrom))) throw badUserInput('validTo must be after validFrom.', 'validTo');
  const totalLimit = input.totalLimit ?? null;
  if (totalLimit !== null && (!Number.isInteger(totalLimit) || totalLimit < 1)) throw badUserInput('totalLimit must be at least 1.', 'totalLimit');
  const perMemberLimit = input.perMemberLimit ?? 1;
  if (!Number.isInteger(perMemberLimit) || perMemberLimit < 1 || perMemberLimit > 100) throw badUserInput('perMemberLimit must be 1 to 100.', 'perMemberLimit');
  const code = input.code == null ? null : normalizeCouponCode(input.code);
  if (code !== null && !CODE.test(code)) throw badUserInput('code must be 4 to 32 letters, digits or dashes.', 'code');

  if (!hasRole(viewer, 'ADMIN')) {
    if (input.scope !== CouponScope.STORE || scopeIds.length !== 1) throw forbidden('Sellers create coupons for one store of their own (scope STORE).');
    const data = await context.services.callSubgraph<{ store: { owner: { id: string } } | null }>(
      context.services.config.CATALOG_URL,
      STORE_OWNER,
      { id: scopeIds[0] },
    ).catch((error: GraphQLError) => {
      if (error.extensions?.code === 'NOT_FOUND') return { store: null };
      throw error;
    });
    if (data.store?.owner.id !== viewer.memberId) throw forbidden('You can only create coupons for your own store.');
  }
  if (code !== null && (await context.em.count(CouponTemplate, { code })) > 0) throw conflict('Another coupon already uses this code.');
  const template = context.em.create(CouponTemplate, {
    name, kind: input.kind, value: input.value, maxDiscountAmount: maxDiscount, minOrderAmount, currency: 'KRW',
    scope: input.scope, scopeIds, validFrom: input.validFrom, validTo, totalLimit, perMemberLimit, code,
  });
  try {
    await context.em.flush();
  } catch (error) {
    if (/coupon_template_code_unique/.test(String((error as Error).message))) throw conflict('Another coupon already uses this code.');
    throw error;
  }
  return template;
}
