/** What the saga asks of a payment service. Every call carries an idempotency key and may be repeated. */
export interface PaymentProvider {
  /** Holds `amount` on the method. Repeating a key returns the first answer. */
  authorize(request: { idempotencyKey: string; amount: number; currency: string; method: string }): Promise<PaymentAuthorization>;
  /** Takes the held money. Idempotent; false if the authorization was voided or is unknown. */
  capture(paymentId: string): Promise<boolean>;
  /**
   * Lets an authorization go, by the key it was (or would have been) made with: a void for a key never
   * seen is remembered, so an authorize that arrives late with that key is declined and holds nothing.
   */
  voidByKey(idempotencyKey: string): Promise<void>;
  /** Pays captured money back. Idempotent by `idempotencyKey`. */
  refund(paymentId: string, amount: number, idempotencyKey: string): Promise<void>;
}

export type PaymentAuthorization =
  | { status: 'AUTHORIZED'; paymentId: string }
  | { status: 'DECLINED'; reason: string };
