import { badUserInput } from '@commerce/kit';
import { UniqueConstraintViolationException } from '@mikro-orm/core';

/**
 * The unique index on sku is the one arbiter of SKU clashes (a check before the insert would race):
 * its violation becomes BAD_USER_INPUT on the field of the clashing SKU.
 */
export async function refuseTakenSku<T>(work: () => Promise<T>, fieldOfSku: (sku: string) => string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException) || !/product_variant_sku_unique/.test(error.message)) throw error;
    const sku = /\(sku\)=\((.*)\) already exists/.exec(error.message)?.[1] ?? '';
    throw badUserInput(`SKU ${sku} is already taken.`, fieldOfSku(sku));
  }
}
