import { isUuid } from '@commerce/kit';
import type { CouponsContext } from '../context.js';

/** A malformed id resolves to null here rather than failing the whole batch in Postgres. */
export function resolveCouponTemplateReference(reference: Record<string, unknown>, { loaders }: CouponsContext) {
  const id = String(reference.id);
  return isUuid(id) ? loaders.couponTemplateById.load(id.toLowerCase()) : null;
}
