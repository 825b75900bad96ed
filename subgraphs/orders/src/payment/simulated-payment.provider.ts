import { randomUUID } from 'node:crypto';
import { defineLuaCommands } from '@commerce/kit';
import type { Redis } from 'ioredis';
import type { PaymentAuthorization, PaymentProvider } from './payment-provider.js';

export interface SimulatedPaymentOptions {
  latencyMs: number;
  /** Share of authorizations declined at random (0..1). */
  declineRate: number;
  random?: () => number;
}

/** A payment method that is always declined, like a card processor's test numbers. */
export const DECLINED_TEST_METHOD = 'card:declined';

/** Records survive a restart of this process and are shared by replicas, as an external provider's would be. */
const RECORD_TTL_SECONDS = 90 * 24 * 3600;

interface PaymentRecord {
  paymentId: string;
  status: 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'DECLINED';
  amount: number;
  currency: string;
  refunded: number;
  reason?: string;
}

// Atomically: answer a key seen before, else store the new record. KEYS[1] = key record; ARGV[1] = new record.
const PUT_IF_ABSENT = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]`;

// Atomically move a record's status: ARGV[1] = expected statuses (comma list), ARGV[2] = new status. Returns the record after.
const TRANSITION = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local record = cjson.decode(raw)
for status in string.gmatch(ARGV[1], '[^,]+') do
  if record.status == status then
    record.status = ARGV[2]
    raw = cjson.encode(record)
    redis.call('SET', KEYS[1], raw, 'KEEPTTL')
    return raw
  end
end
return raw`;

interface PaymentCommands {
  /** The record stored under the key: the one given, or the one there before. */
  paysimPutIfAbsent(key: string, record: string, ttlSeconds: number): Promise<string>;
  /** The record after the transition (unchanged if its status was none of the expected), null if there is none. */
  paysimTransition(key: string, expected: string, next: string): Promise<string | null>;
}

/**
 * The built-in payment service: simulated, with configurable latency and decline rate, and the idempotency
 * semantics of a real one (same key, same answer; a void of an unknown key blocks that key).
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly random: () => number;
  private readonly redis: Redis & PaymentCommands;

  constructor(
    redis: Redis,
    private readonly options: SimulatedPaymentOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.redis = defineLuaCommands<PaymentCommands>(redis, { paysimPutIfAbsent: { keys: 1, lua: PUT_IF_ABSENT }, paysimTransition: { keys: 1, lua: TRANSITION } });
  }

  private async latency() {
    if (this.options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
  }

  private keyOf(idempotencyKey: string) {
    return `paysim:key:${idempotencyKey}`;
  }

  private async recordById(paymentId: string): Promise<{ key: string; record: PaymentRecord } | null> {
    const key = await this.redis.get(`paysim:id:${paymentId}`);
    if (!key) return null;
    const raw = await this.redis.get(key);
    return raw ? { key, record: JSON.parse(raw) as PaymentRecord } : null;
  }

  async authorize({ idempotencyKey, amount, currency, method }: { idempotencyKey: string; amount: number; currency: string; method: string }): Promise<PaymentAuthorization> {
    await this.latency();
    const declined = method === DECLINED_TEST_METHOD || this.random() < this.options.declineRate;
    const record: PaymentRecord = {
      paymentId: `pay_${randomUUID()}`,
      status: declined ? 'DECLINED' : 'AUTHORIZED',
      amount,
      currency,
      refunded: 0,
      ...(declined ? { reason: 'The card issuer declined the payment.' } : {}),
    };
    const key = this.keyOf(idempotencyKey);
    const stored = JSON.parse(
      await this.redis.paysimPutIfAbsent(key, JSON.stringify(record), RECORD_TTL_SECONDS),
    ) as PaymentRecord;
    await this.redis.set(`paysim:id:${stored.paymentId}`, key, 'EX', RECORD_TTL_SECONDS);
    if (stored.status === 'DECLINED') return { status: 'DECLINED', reason: stored.reason ?? 'Declined.' };
    if (stored.status === 'VOIDED') return { status: 'DECLINED', reason: 'This payment was cancelled.' };
    return { status: 'AUTHORIZED', paymentId: stored.paymentId };
  }

  async capture(paymentId: string): Promise<boolean> {
    await this.latency();
    const found = await this.recordById(paymentId);
    if (!found) return false;
    const after = JSON.parse((await this.redis.paysimTransition(found.key, 'AUTHORIZED', 'CAPTURED'))!) as PaymentRecord;
    return after.status === 'CAPTURED';
  }

  async voidByKey(idempotencyKey: string): Promise<void> {
    await this.latency();
    const key = this.keyOf(idempotencyKey);
    const tombstone: PaymentRecord = { paymentId: `pay_${randomUUID()}`, status: 'VOIDED', amount: 0, currency: '', refunded: 0 };
    await this.redis.paysimPutIfAbsent(key, JSON.stringify(tombstone), RECORD_TTL_SECONDS);
    const after = JSON.parse((await this.redis.paysimTransition(key, 'AUTHORIZED', 'VOIDED'))!) as PaymentRecord;
    if (after.status === 'CAPTURED') throw new Error(`Payment ${after.paymentId} was captured; refund it instead.`);
  }

  async refund(paymentId: string, amount: number, idempotencyKey: string): Promise<void> {
    await this.latency();
    const first = await this.redis.set(`paysim:refund:${idempotencyKey}`, paymentId, 'EX', RECORD_TTL_SECONDS, 'NX');
    if (first !== 'OK') return;
    const found = await this.recordById(paymentId);
    if (!found || found.record.status !== 'CAPTURED') {
      await this.redis.del(`paysim:refund:${idempotencyKey}`);
      throw new Error(`Payment ${paymentId} is not captured.`);
    }
    if (found.record.refunded + amount > found.record.amount) {
      await this.redis.del(`paysim:refund:${idempotencyKey}`);
      throw new Error(`Refunds of ${paymentId} would exceed its amount.`);
    }
    found.record.refunded += amount;
    await this.redis.set(found.key, JSON.stringify(found.record), 'KEEPTTL');
  }

  /** For tests and support: what the provider holds for a key. */
  async inspect(idempotencyKey: string): Promise<PaymentRecord | null> {
    const raw = await this.redis.get(this.keyOf(idempotencyKey));
    return raw ? (JSON.parse(raw) as PaymentRecord) : null;
  }
}
