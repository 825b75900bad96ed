import { badUserInput, notFound, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ShippingAddressInput, ShippingAddressPatch } from './shipping-address.input.js';
import { ShippingAddress } from './shipping-address.entity.js';

export const MAX_ADDRESSES = 20;

const TEXT_LIMITS = { recipientName: 80, phone: 30, postalCode: 12, line1: 200, line2: 200, city: 80 } as const;

/** Trims the text fields and checks their lengths; missing required ones are BAD_USER_INPUT. */
function cleanFields(input: ShippingAddressPatch, required: boolean): Partial<ShippingAddress> {
  const fields: Partial<ShippingAddress> = {};
  for (const [name, limit] of Object.entries(TEXT_LIMITS) as [keyof typeof TEXT_LIMITS, number][]) {
    const value = input[name];
    if (value == null) {
      if (required && name !== 'line2') throw badUserInput(`${name} is required.`, name);
      continue;
    }
    const trimmed = value.trim();
    if (name === 'line2') {
      fields.line2 = trimmed === '' ? null : trimmed;
    } else if (trimmed.length < 1) {
      throw badUserInput(`${name} must not be empty.`, name);
    } else {
      fields[name] = trimmed;
    }
    if (trimmed.length > limit) throw badUserInput(`${name} must be at most ${limit} characters.`, name);
  }
  if (input.country != null) {
    if (!/^[A-Za-z]{2}$/.test(input.country)) throw badUserInput('country must be a two-letter ISO code.', 'country');
    fields.country = input.country.toUpperCase();
  }
  return fields;
}

/** At most one default per member: making one the default clears the flag elsewhere, in the same transaction. */
async function clearOtherDefaults(em: EntityManager, memberId: string, keepId: string) {
  await em.nativeUpdate(ShippingAddress, { memberId, id: { $ne: keepId }, isDefault: true }, { isDefault: false });
}

/** Locks the member's address book for the transaction, so the cap and the single default hold under concurrency. */
const lockAddressBook = (em: EntityManager, memberId: string) =>
  em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`addresses:${memberId}`]);

export function addShippingAddress(em: EntityManager, memberId: string, input: ShippingAddressInput): Promise<ShippingAddress> {
  const fields = cleanFields(input, true);
  return em.transactional(async (tx) => {
    await lockAddressBook(tx, memberId);
    const count = await tx.count(ShippingAddress, { memberId });
    if (count >= MAX_ADDRESSES) throw badUserInput(`A member keeps at most ${MAX_ADDRESSES} addresses.`);
    const address = tx.create(ShippingAddress, { ...fields, memberId, isDefault: count === 0 || !!input.isDefault } as ShippingAddress);
    await tx.flush();
    if (address.isDefault) await clearOtherDefaults(tx, memberId, address.id);
    return address;
  });
}

/** Another member's address ID is NOT_FOUND, as if it did not exist: IDs of others reveal nothing. */
async function ownAddress(em: EntityManager, memberId: string, id: string): Promise<ShippingAddress> {
  const address = await em.findOne(ShippingAddress, { id: requireUuid(id), memberId });
  if (!address) throw notFound('ShippingAddress', id);
  return address;
}

export function updateShippingAddress(em: EntityManager, memberId: string, id: string, patch: ShippingAddressPatch): Promise<ShippingAddress> {
  const fields = cleanFields(patch, false);
  return em.transactional(async (tx) => {
    await lockAddressBook(tx, memberId);
    const address = await ownAddress(tx, memberId, id);
    tx.assign(address, fields);
    if (patch.isDefault === true) {
      address.isDefault = true;
      await clearOtherDefaults(tx, memberId, address.id);
    }
    return address;
  });
}

export function removeShippingAddress(em: EntityManager, memberId: string, id: string): Promise<boolean> {
  return em.transactional(async (tx) => {
    await lockAddressBook(tx, memberId);
    const address = await ownAddress(tx, memberId, id);
    tx.remove(address);
    return true;
  });
}
