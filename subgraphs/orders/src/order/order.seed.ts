import { DEMO_CURRENCY, demoCouponTemplates, demoId, demoOrder } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrderLine } from '../order-line/order-line.entity.js';
import { Order } from './order.entity.js';
import { OrderStatus } from './order-status.js';

/** Seeds the demo shop's paid order, with the welcome coupon applied, when the subgraph has no orders. */
export async function seedOrders(em: EntityManager): Promise<boolean> {
  if ((await em.count(Order)) > 0) return false;
  const coupon = demoCouponTemplates.find((template) => template.key === demoOrder.coupon);
  if (coupon?.kind !== 'FIXED') throw new Error(`The demo order expects a fixed-amount coupon, got ${demoOrder.coupon}.`);
  const subtotalAmount = demoOrder.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const order = em.create(Order, {
    id: demoId(demoOrder.key),
    number: demoOrder.number,
    status: OrderStatus.PAID,
    buyerId: demoId(demoOrder.buyer),
    couponTemplateId: demoId(coupon.key),
    subtotalAmount,
    discountAmount: coupon.value,
    pointsUsedAmount: 0,
    totalAmount: subtotalAmount - coupon.value,
    currency: DEMO_CURRENCY,
  });
  for (const line of demoOrder.lines) {
    em.create(OrderLine, {
      orderId: order.id,
      variantId: demoId(line.variant),
      quantity: line.quantity,
      unitPriceAmount: line.unitPrice,
    });
  }
  await em.flush();
  return true;
}
