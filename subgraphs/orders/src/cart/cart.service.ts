import { badUserInput, defineLuaCommands, Money, notFound, requireUuid, uuidv7 } from '@commerce/kit';
import type { Redis } from 'ioredis';
import type { CheckoutVariant, Upstream } from '../upstream/upstream.js';
import { Cart, CartLine, CartNoticeKind } from './cart.types.js';

/** What the cart remembers of a line: the variant as it was when added, to tell what changed since. */
export interface StoredCartLine {
  id: string;
  variantId: string;
  quantity: number;
  addedAt: string;
  price: number;
  currency: string;
  optionsDigest: string;
}

export const MAX_LINE_QUANTITY = 99;

// KEYS[1] = cart hash; ARGV = variantId, new line JSON, quantity to add, ttl seconds, max lines, max quantity.
// A variant has one line: adding it again adds to the quantity. Returns the line id, or an error code.
const ADD_LINE = `
local lineId = redis.call('HGET', KEYS[1], 'v:' .. ARGV[1])
if lineId then
  local line = cjson.decode(redis.call('HGET', KEYS[1], 'l:' .. lineId))
  line.quantity = line.quantity + tonumber(ARGV[3])
  if line.quantity > tonumber(ARGV[6]) then return {err = 'QUANTITY'} end
  redis.call('HSET', KEYS[1], 'l:' .. lineId, cjson.encode(line))
else
  if redis.call('HLEN', KEYS[1]) / 2 >= tonumber(ARGV[5]) then return {err = 'FULL'} end
  local line = cjson.decode(ARGV[2])
  lineId = line.id
  redis.call('HSET', KEYS[1], 'l:' .. lineId, ARGV[2], 'v:' .. ARGV[1], lineId)
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return lineId`;

// KEYS[1] = cart hash; ARGV = line id, quantity (0 removes), ttl seconds. Returns 1, or 0 for an unknown line.
const SET_QUANTITY = `
local raw = redis.call('HGET', KEYS[1], 'l:' .. ARGV[1])
if not raw then return 0 end
local line = cjson.decode(raw)
if tonumber(ARGV[2]) == 0 then
  redis.call('HDEL', KEYS[1], 'l:' .. ARGV[1], 'v:' .. line.variantId)
else
  line.quantity = tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'l:' .. ARGV[1], cjson.encode(line))
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

function checkQuantity(quantity: number, allowZero = false) {
  const min = allowZero ? 0 : 1;
  if (!Number.isInteger(quantity) || quantity < min || quantity > MAX_LINE_QUANTITY) {
    throw badUserInput(`quantity must be between ${min} and ${MAX_LINE_QUANTITY}.`, 'quantity');
  }
}

interface CartCommands {
  cartAddLine(...keyThenArgs: (string | number)[]): Promise<unknown>;
  /** 0 when the line is not in the cart. */
  cartSetQuantity(...keyThenArgs: (string | number)[]): Promise<number>;
}

/**
 * One cart per member, a Redis hash (`cart:<memberId>`): `l:<lineId>` holds a line, `v:<variantId>` points
 * at the variant's line. Every change runs as one Lua script, so concurrent adds never lose units, and
 * renews the 30-day life. Prices are never trusted from the cart: they are read from the catalog on display
 * and again at checkout.
 */
export class CartService {
  private readonly redis: Redis & CartCommands;

  constructor(
    redis: Redis,
    private readonly upstream: Upstream,
    private readonly settings: { ttlSeconds: number; maxLines: number },
  ) {
    this.redis = defineLuaCommands<CartCommands>(redis, { cartAddLine: { keys: 1, lua: ADD_LINE }, cartSetQuantity: { keys: 1, lua: SET_QUANTITY } });
  }

  private key(memberId: string) {
    return `cart:${memberId}`;
  }

  async storedLines(memberId: string): Promise<StoredCartLine[]> {
    const hash = await this.redis.hgetall(this.key(memberId));
    return Object.entries(hash)
      .filter(([field]) => field.startsWith('l:'))
      .map(([, raw]) => JSON.parse(raw) as StoredCartLine)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async add(memberId: string, variantId: string, quantity: number): Promise<Cart> {
    checkQuantity(quantity);
    const id = requireUuid(variantId, 'variantId');
    const variant = (await this.upstream.checkoutVariants([id])).get(id);
    if (!variant) throw notFound('ProductVariant', variantId);
    const line: StoredCartLine = {
      id: uuidv7(),
      variantId: id,
      quantity,
      addedAt: new Date().toISOString(),
      price: variant.price,
      currency: variant.currency,
      optionsDigest: variant.optionsDigest,
    };
    try {
      await this.redis.cartAddLine(this.key(memberId), id, JSON.stringify(line), quantity, this.settings.ttlSeconds, this.settings.maxLines, MAX_LINE_QUANTITY);
    } catch (error) {
      const message = String((error as Error).message);
      if (message.includes('QUANTITY')) throw badUserInput(`At most ${MAX_LINE_QUANTITY} units of one variant.`, 'quantity');
      if (message.includes('FULL')) throw badUserInput(`A cart holds at most ${this.settings.maxLines} lines.`, 'variantId');
      throw error;
    }
    return this.view(memberId);
  }

  async setQuantity(memberId: string, lineId: string, quantity: number): Promise<Cart> {
    checkQuantity(quantity, true);
    const changed = await this.redis.cartSetQuantity(this.key(memberId), requireUuid(lineId, 'lineId'), quantity, this.settings.ttlSeconds);
    if (changed === 0) throw notFound('CartLine', lineId);
    return this.view(memberId);
  }

  remove(memberId: string, lineId: string): Promise<Cart> {
    return this.setQuantity(memberId, lineId, 0);
  }

  /** Takes checked-out lines out of the cart (after a completed checkout); lines changed meanwhile are removed too. */
  async removeLines(memberId: string, lineIds: string[]): Promise<void> {
    for (const lineId of lineIds) {
      await this.redis.cartSetQuantity(this.key(memberId), lineId, 0, this.settings.ttlSeconds);
    }
  }

  async view(memberId: string): Promise<Cart> {
    const stored = await this.storedLines(memberId);
    const variants = await this.upstream.checkoutVariants(stored.map((line) => line.variantId));
    const lines = stored.map((line) => toCartLine(line, variants.get(line.variantId)));
    const available = lines.filter((line) => line.available && line.unitPrice);
    const currency = available[0]?.unitPrice?.currency;
    return Object.assign(new Cart(), {
      lines,
      subtotal: currency ? Money.of(available.reduce((sum, line) => sum + line.lineTotal!.amount, 0), currency) : null,
      itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
    });
  }
}

export function noticeKinds(line: StoredCartLine, variant: CheckoutVariant | undefined): CartNoticeKind[] {
  if (!variant) return [CartNoticeKind.UNAVAILABLE];
  const kinds: CartNoticeKind[] = [];
  if (variant.price !== line.price || variant.currency !== line.currency) kinds.push(CartNoticeKind.PRICE_CHANGED);
  if (variant.optionsDigest !== line.optionsDigest) kinds.push(CartNoticeKind.OPTIONS_CHANGED);
  if (!variant.inStock) kinds.push(CartNoticeKind.OUT_OF_STOCK);
  return kinds;
}

const NOTICE_TEXT: Record<CartNoticeKind, string> = {
  PRICE_CHANGED: 'The price changed since you added it.',
  OPTIONS_CHANGED: 'The seller changed its options.',
  OUT_OF_STOCK: 'It is out of stock right now.',
  UNAVAILABLE: 'It is no longer sold.',
};

function toCartLine(line: StoredCartLine, variant: CheckoutVariant | undefined): CartLine {
  const kinds = noticeKinds(line, variant);
  return Object.assign(new CartLine(), {
    id: line.id,
    // The catalog leaves out only variants it does not have; a stub of one would resolve to null there and
    // take the whole cart with it, so the line says so itself (UNAVAILABLE) and names no variant.
    variant: variant ? { id: line.variantId } : null,
    quantity: line.quantity,
    unitPrice: variant ? Money.of(variant.price, variant.currency) : null,
    lineTotal: variant ? Money.of(variant.price * line.quantity, variant.currency) : null,
    available: !!variant?.inStock,
    notice: kinds.length ? { kinds, message: kinds.map((kind) => NOTICE_TEXT[kind]).join(' '), priceWhenAdded: Money.of(line.price, line.currency) } : null,
    addedAt: new Date(line.addedAt),
  });
}
