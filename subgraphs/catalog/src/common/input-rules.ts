import { badUserInput, MAX_MONEY_AMOUNT } from '@commerce/kit';

/** Trimmed text that must not be blank and must fit `max` characters; otherwise BAD_USER_INPUT naming `field`. */
export function requiredText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (text === '') throw badUserInput(`${field} must not be blank.`, field);
  if (text.length > max) throw badUserInput(`${field} must be at most ${max} characters.`, field);
  return text;
}

/**
 * Optional text of an update: undefined leaves the value as it is, null or blank clears it, anything else
 * is trimmed and must fit `max` characters.
 */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null | undefined {
  if (value === undefined) return undefined;
  const text = value?.trim() ?? '';
  if (text === '') return null;
  if (text.length > max) throw badUserInput(`${field} must be at most ${max} characters.`, field);
  return text;
}

const MAX_IMAGES = 20;

/** Image links must be absolute http(s) URLs: anything else (javascript:, data:) would reach every client. */
export function imageUrls(urls: string[], field = 'imageUrls'): string[] {
  if (urls.length > MAX_IMAGES) throw badUserInput(`${field} holds at most ${MAX_IMAGES} URLs.`, field);
  return urls.map((raw, index) => {
    const text = raw.trim();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw badUserInput(`${field}[${index}] is not a URL.`, `${field}[${index}]`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw badUserInput(`${field}[${index}] must be an http or https URL.`, `${field}[${index}]`);
    }
    if (text.length > 2048) throw badUserInput(`${field}[${index}] is too long.`, `${field}[${index}]`);
    return url.toString();
  });
}

/**
 * A price in minor units: a whole, non-negative number up to `max`. The default is all a Money can show;
 * a seller's own prices are held to MAX_UNIT_PRICE (see `unitPrice` in variant-rules).
 */
export function priceAmount(amount: number, field: string, max = MAX_MONEY_AMOUNT): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw badUserInput(`${field} must be a whole, non-negative amount.`, field);
  if (amount > max) throw badUserInput(`${field} must be at most ${max}.`, field);
  return amount;
}
