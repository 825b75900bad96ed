import { badUserInput, Money, requireUuid } from '@commerce/kit';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context.js';
import { requireStoreOwner } from '../order/order-lifecycle.service.js';
import { checkPeriod, salesReport, signReportLink } from '../report/sales-report.service.js';
import { listSettlements, settleDay } from './settlement.service.js';
import { SalesReport, SalesReportGrouping, Settlement } from './settlement.types.js';

async function ownStore(context: OrdersContext, storeId: string) {
  const id = requireUuid(storeId, 'storeId');
  await requireStoreOwner({ viewer: context.viewer, upstream: context.services.upstream }, id);
  return id;
}

@Resolver()
export class SettlementResolver {
  @Authorized()
  @Query(() => [Settlement], { description: "A store's daily settlements between two local dates (both included); owner or admin." })
  async settlements(
    @Arg('storeId', () => ID, { description: 'The store.' }) storeId: string,
    @Arg('from', { description: 'First day, YYYY-MM-DD.' }) from: string,
    @Arg('to', { description: 'Last day, YYYY-MM-DD.' }) to: string,
    @Ctx() context: OrdersContext,
  ): Promise<Settlement[]> {
    const id = await ownStore(context, storeId);
    checkPeriod(from, to, context.services.config.SETTLEMENT_UTC_OFFSET_MINUTES);
    const rows = await listSettlements(context.em, id, from, to);
    return rows.map((row) =>
      Object.assign(new Settlement(), {
        id: row.id,
        storeId: row.store_id,
        date: row.settlement_date,
        orderCount: row.order_count,
        refundCount: row.refund_count,
        grossSales: Money.of(Number(row.gross_sales), row.currency),
        refunds: Money.of(Number(row.refunds), row.currency),
        platformFee: Money.of(Number(row.platform_fee), row.currency),
        payout: Money.of(Number(row.payout), row.currency),
        feeBps: row.fee_bps,
      }),
    );
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Settles a past local day now (admin). True if this call did it; false if it was settled already.' })
  runSettlement(@Arg('date', { description: 'The day, YYYY-MM-DD.' }) date: string, @Ctx() context: OrdersContext): Promise<boolean> {
    const { config, orm } = context.services;
    try {
      checkPeriod(date, date, config.SETTLEMENT_UTC_OFFSET_MINUTES);
    } catch {
      throw badUserInput('date is a day like 2026-12-01.', 'date');
    }
    return settleDay(orm, date, { utcOffsetMinutes: config.SETTLEMENT_UTC_OFFSET_MINUTES, feeBps: config.PLATFORM_FEE_BPS });
  }

  @Authorized()
  @Query(() => SalesReport, { description: "A store's units, revenue and refunds by product or by day; owner or admin." })
  async salesReport(
    @Arg('storeId', () => ID, { description: 'The store.' }) storeId: string,
    @Arg('from', { description: 'First day, YYYY-MM-DD.' }) from: string,
    @Arg('to', { description: 'Last day, YYYY-MM-DD (included).' }) to: string,
    @Arg('groupBy', () => SalesReportGrouping, { defaultValue: SalesReportGrouping.PRODUCT, description: 'Rows per product or per day.' }) groupBy: SalesReportGrouping,
    @Ctx() context: OrdersContext,
  ): Promise<SalesReport> {
    const id = await ownStore(context, storeId);
    const rows = await salesReport(context.em, id, from, to, groupBy, context.services.config.SETTLEMENT_UTC_OFFSET_MINUTES);
    return Object.assign(new SalesReport(), {
      storeId: id,
      from,
      to,
      groupBy,
      rows: rows.map((row) => ({ ...row, revenue: Money.of(row.revenue, row.currency), refunds: Money.of(row.refunds, row.currency) })),
    });
  }

  @Authorized()
  @Mutation(() => String, {
    description: 'A short-lived signed link to download the sales report as CSV (GET, no headers needed); owner or admin.',
  })
  async salesReportCsvLink(
    @Arg('storeId', () => ID, { description: 'The store.' }) storeId: string,
    @Arg('from', { description: 'First day, YYYY-MM-DD.' }) from: string,
    @Arg('to', { description: 'Last day, YYYY-MM-DD (included).' }) to: string,
    @Arg('groupBy', () => SalesReportGrouping, { defaultValue: SalesReportGrouping.PRODUCT, description: 'Rows per product or per day.' }) groupBy: SalesReportGrouping,
    @Ctx() context: OrdersContext,
  ): Promise<string> {
    const id = await ownStore(context, storeId);
    const { config } = context.services;
    checkPeriod(from, to, config.SETTLEMENT_UTC_OFFSET_MINUTES);
    const token = signReportLink({ storeId: id, from, to, groupBy, exp: Date.now() + config.REPORT_LINK_TTL_SECONDS * 1000 }, config.GATEWAY_SHARED_SECRET);
    return `${config.ORDERS_PUBLIC_URL.replace(/\/$/, '')}/reports/sales.csv?token=${encodeURIComponent(token)}`;
  }
}
