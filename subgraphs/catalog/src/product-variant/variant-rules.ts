import { badUserInput, MAX_UNIT_PRICE } from '@commerce/kit';
import { priceAmount, requiredText } from '../common/input-rules.js';
import type { VariantOption } from './variant-option.type.js';
import type { ProductVariantInput, VariantOptionInput } from './product-variant.inputs.js';

const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_OPTIONS = 10;

export function checkSku(sku: string, field: string): string {
  const text = sku.trim();
  if (!SKU_PATTERN.test(text)) throw badUserInput(`${field} must be 1 to 64 letters, digits, ".", "_" or "-".`, field);
  return text;
}

export function checkOptions(options: VariantOptionInput[], field: string): VariantOption[] {
  if (options.length > MAX_OPTIONS) throw badUserInput(`${field} holds at most ${MAX_OPTIONS} options.`, field);
  const names = new Set<string>();
  return options.map((option, index) => {
    const name = requiredText(option.name, `${field}[${index}].name`, 40);
    const value = requiredText(option.value, `${field}[${index}].value`, 100);
    if (names.has(name.toLowerCase())) throw badUserInput(`${field} names "${name}" twice.`, `${field}[${index}].name`);
    names.add(name.toLowerCase());
    return { name, value };
  });
}

/** Two variants with the same options could not be told apart by a buyer. */
export const optionsSignature = (options: VariantOption[]) =>
  JSON.stringify(options.map(({ name, value }) => [name.toLowerCase(), value.toLowerCase()]).sort());

/** A variant's unit price, 0 to MAX_UNIT_PRICE: a price typed with extra zeros is refused when it is set. */
export const unitPrice = (amount: number, field: string) => priceAmount(amount, field, MAX_UNIT_PRICE);

export interface CheckedVariant {
  sku: string;
  options: VariantOption[];
  priceAmount: number;
}

export function checkVariant(input: ProductVariantInput, field: string): CheckedVariant {
  return {
    sku: checkSku(input.sku, `${field}.sku`),
    options: checkOptions(input.options ?? [], `${field}.options`),
    priceAmount: unitPrice(input.price, `${field}.price`),
  };
}

/** Refuses SKUs or option sets that repeat within `variants` (already checked one by one). */
export function checkSiblings(variants: { sku: string; options: VariantOption[] }[], field: string): void {
  const skus = new Set<string>();
  const signatures = new Set<string>();
  variants.forEach((variant, index) => {
    if (skus.has(variant.sku)) throw badUserInput(`SKU ${variant.sku} appears twice.`, `${field}[${index}].sku`);
    skus.add(variant.sku);
    const signature = optionsSignature(variant.options);
    if (signatures.has(signature)) throw badUserInput('Two variants have the same options.', `${field}[${index}].options`);
    signatures.add(signature);
  });
}

/** Refuses a new or changed variant whose SKU or options repeat one of its product's `others`. */
export function checkAmongSiblings(candidate: { sku: string; options: VariantOption[] }, others: { sku: string; options: VariantOption[] }[], field: string): void {
  if (others.some((other) => other.sku === candidate.sku)) throw badUserInput(`SKU ${candidate.sku} is already taken.`, `${field}.sku`);
  const signature = optionsSignature(candidate.options);
  if (others.some((other) => optionsSignature(other.options) === signature)) {
    throw badUserInput('Another variant of the product has the same options.', `${field}.options`);
  }
}
