import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP stand-in for the internal operations being built in parallel elsewhere: coupons'
 * reserve/confirm/release and inventory's time-sale claim operations, answered per their agreed
 * contracts with state kept here. Every other request is forwarded untouched to the real inventory,
 * so orders can use this one URL as both INVENTORY_URL and COUPONS_URL.
 */
export class ContractStandIn {
  /** orderKey → coupon reservation. */
  readonly coupons = new Map<string, { issuedCouponId: string; status: 'RESERVED' | 'CONFIRMED' | 'RELEASED' | 'RESTORED'; discount: number }>();
  /** Issued coupon ids that answer CouponNotApplicable. */
  readonly notApplicable = new Set<string>();
  couponDiscount = 3_000;
  /** The template every reserved coupon belongs to. */
  readonly couponTemplateId = '0190a000-0000-7000-8000-00000000c0de';
  /**
   * Operations (by root field) whose answers get lost on the way back, how many times: the call is made and takes
   * effect, then the connection drops before the caller hears of it.
   */
  readonly loseAnswers = new Map<string, number>();
  readonly claims = new Map<string, { claimId: string; saleId: string; memberId: string; variantId: string; quantity: number; unitPrice: number; currency: string; expiresAt: string; status: string; orderKey?: string }>();
  private server: Server | null = null;
  url = '';

  constructor(private readonly inventoryUrl: string) {}

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const body = await read(req);
      const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, any> };
      const answer = this.answer(query, variables);
      const lost = [...this.loseAnswers.keys()].find((field) => query.includes(`${field}(`));
      const loseThis = () => {
        if (!lost || !this.loseAnswers.get(lost)) return false;
        this.loseAnswers.set(lost, this.loseAnswers.get(lost)! - 1);
        res.socket?.destroy();
        return true;
      };
      if (answer) {
        if (loseThis()) return;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: answer }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'x-commerce-identity', 'x-commerce-identity-signature']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const upstream = await fetch(this.inventoryUrl, { method: 'POST', headers, body });
      const text = await upstream.text();
      if (loseThis()) return;
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
    return this;
  }

  private answer(query: string, v: Record<string, any>): Record<string, unknown> | null {
    if (query.includes('reserveCoupon(')) {
      if (this.notApplicable.has(v.c)) return { reserveCoupon: { __typename: 'CouponNotApplicable', code: 'NOT_APPLICABLE', message: 'Not for these lines.' } };
      const existing = this.coupons.get(v.k);
      if (existing?.status === 'RELEASED') return { reserveCoupon: { __typename: 'CouponNotApplicable', code: 'RELEASED', message: 'Released.' } };
      const reservation = existing ?? { issuedCouponId: v.c, status: 'RESERVED' as const, discount: this.couponDiscount };
      this.coupons.set(v.k, reservation);
      return { reserveCoupon: { __typename: 'CouponReservation', orderKey: v.k, discount: { amount: reservation.discount, currency: 'KRW' }, templateId: this.couponTemplateId } };
    }
    if (query.includes('confirmCouponReservation(')) {
      const reservation = this.coupons.get(v.k);
      if (!reservation || reservation.status === 'RELEASED') return { confirmCouponReservation: false };
      reservation.status = 'CONFIRMED';
      return { confirmCouponReservation: true };
    }
    if (query.includes('releaseCouponReservation(')) {
      const reservation = this.coupons.get(v.k);
      if (reservation) reservation.status = 'RELEASED';
      else this.coupons.set(v.k, { issuedCouponId: '', status: 'RELEASED', discount: 0 });
      return { releaseCouponReservation: true };
    }
    if (query.includes('restoreCoupon(')) {
      // The contract: USED (here CONFIRMED) → back to the member once; anything else changes nothing and answers false.
      const reservation = this.coupons.get(v.k);
      if (reservation?.status !== 'CONFIRMED') return { restoreCoupon: false };
      reservation.status = 'RESTORED';
      return { restoreCoupon: true };
    }
    if (query.includes('timeSaleClaimForCheckout(')) return { timeSaleClaimForCheckout: this.claims.get(v.id) ?? null };
    if (query.includes('consumeTimeSaleClaim(')) {
      const claim = this.claims.get(v.id);
      if (!claim || (claim.status !== 'HELD' && claim.orderKey !== v.k)) return { consumeTimeSaleClaim: false };
      Object.assign(claim, { status: 'CONSUMED', orderKey: v.k });
      return { consumeTimeSaleClaim: true };
    }
    if (query.includes('releaseTimeSaleClaim(')) {
      const claim = this.claims.get(v.id);
      if (claim?.status === 'HELD') claim.status = 'RELEASED';
      return { releaseTimeSaleClaim: !!claim && claim.status === 'RELEASED' };
    }
    return null;
  }

  /** Coupon reservations still held (neither confirmed nor released). */
  heldCoupons() {
    return [...this.coupons.entries()].filter(([, reservation]) => reservation.status === 'RESERVED');
  }

  async close() {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
