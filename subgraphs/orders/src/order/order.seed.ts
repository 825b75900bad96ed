import { DEMO_CURRENCY, demoCouponTemplates, demoId, demoIssuedCouponKey, demoOrder, demoVariants } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { allocateTotals, computeTotals } from '../checkout/totals.js';
import { OrderLine } from '../order-line/order-line.entity.js';
import { Order } from './order.entity.js';
import { OrderStatus } from './order-status.js';

/** Seeds the demo shop's paid order, with the welcome coupon applied, when the subgraph has no orders. */
export async function seedOrders(em: EntityManager): Promise<boolean> {
  if ((await em.count(Order)) > 0) return false;
  const coupon = demoCouponTemplates.find((template) => template.key === demoOrder.coupon);
  if (coupon?.kind !== 'FIXED') throw new Error(`The demo order expects a fixed-amount coupon, got ${demoOrder.coupon}.`);
  const totals = computeTotals(demoOrder.lines, coupon.value, 0);
  const shares = allocateTotals(demoOrder.lines, totals);
  const order = em.create(Order, {
    id: demoId(demoOrder.key),
    number: demoOrder.number,
    status: OrderStatus.PAID,
    buyerId: demoId(demoOrder.buyer),
    storeId: demoId(demoOrder.store),
    issuedCouponId: demoId(demoIssuedCouponKey(coupon.key, demoOrder.buyer)),
    couponTemplateId: demoId(coupon.key),
    // Paid when seeded: the member's and the store's order lists and the reports show paid orders.
    paidAt: new Date(),
    subtotalAmount: totals.subtotal,
    discountAmount: totals.discount,
    pointsUsedAmount: totals.points,
    totalAmount: totals.total,
    currency: DEMO_CURRENCY,
  });
  for (const [index, line] of demoOrder.lines.entries()) {
    const variant = demoVariants.find((demo) => demo.key === line.variant)!;
    const values = variant.options.map((option) => option.value).join(', ');
    // The snapshot a checkout takes of what was bought (see catalog's checkoutVariants).
    em.create(OrderLine, {
      orderId: order.id,
      variantId: demoId(line.variant),
      quantity: line.quantity,
      unitPriceAmount: line.unitPrice,
      productId: demoId(variant.product.key),
      storeId: demoId(variant.product.store),
      categoryId: demoId(variant.product.category),
      sku: variant.sku,
      name: values ? `${variant.product.name} (${values})` : variant.product.name,
      discountAmount: shares[index]!.discount,
    });
  }
  await em.flush();
  return true;
}
