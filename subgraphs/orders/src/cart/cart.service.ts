import { badUserInput, defineLuaCommands, notFound, requireUuid, uuidv7 } from '@commerce/kit';
import type { Redis } from 'ioredis';
import type { CheckoutVariant, Upstream } from '../upstream/upstream.js';
import { cartView } from './cart-view.js';
import { refuseTooLargeTotal } from './cart-total-limit.js';
import type { Cart } from './cart.types.js';

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
    private readonly log: (message: string) => void = console.error,
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

  private cartFull() {
    return badUserInput(`A cart holds at most ${this.settings.maxLines} lines.`, 'variantId');
  }

  async add(memberId: string, variantId: string, quantity: number): Promise<Cart> {
    checkQuantity(quantity);
    const id = requireUuid(variantId, 'variantId');
    const stored = await this.storedLines(memberId);
    const existing = stored.find((line) => line.variantId === id);
    // Also refused by the script; said here first so the catalog is never asked for more variants than a cart holds.
    if (!existing && stored.length >= this.settings.maxLines) throw this.cartFull();
    const variants = await this.upstream.checkoutVariants([...new Set([id, ...stored.map((line) => line.variantId)])]);
    const variant = variants.get(id);
    if (!variant) throw notFound('ProductVariant', variantId);
    refuseTooLargeTotal(stored, variants, id, (existing?.quantity ?? 0) + quantity);
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
      if (message.includes('FULL')) throw this.cartFull();
      throw error;
    }
    return this.view(memberId, variants);
  }

  async setQuantity(memberId: string, lineId: string, quantity: number): Promise<Cart> {
    checkQuantity(quantity, true);
    const id = requireUuid(lineId, 'lineId');
    const stored = await this.storedLines(memberId);
    const line = stored.find((candidate) => candidate.id === id);
    // Only more units can take the total too far; fewer are always accepted, which is how a member mends a cart that no longer fits.
    let variants: Map<string, CheckoutVariant> | undefined;
    if (line && quantity > line.quantity) {
      variants = await this.upstream.checkoutVariants(stored.map((each) => each.variantId));
      refuseTooLargeTotal(stored, variants, line.variantId, quantity);
    }
    const changed = await this.redis.cartSetQuantity(this.key(memberId), id, quantity, this.settings.ttlSeconds);
    if (changed === 0) throw notFound('CartLine', lineId);
    return this.view(memberId, variants);
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

  /**
   * The cart as the member sees it. `known`: the variants a change just read from the catalog for its check, used
   * again rather than asked for twice, unless the cart now holds one they lack (another change came in between).
   */
  async view(memberId: string, known?: Map<string, CheckoutVariant>): Promise<Cart> {
    const stored = await this.storedLines(memberId);
    const ids = stored.map((line) => line.variantId);
    const [variants, availableUnits] = await Promise.all([
      known && ids.every((variantId) => known.has(variantId)) ? known : this.upstream.checkoutVariants(ids),
      // The cart stays readable while inventory cannot be reached: lines then go by the catalog's in-stock flag.
      this.upstream.availableUnits(ids).catch((error: unknown) => {
        this.log(`cart: stock counts not read, showing the catalog's in-stock flags: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }),
    ]);
    return cartView(stored, { variants, availableUnits });
  }
}
