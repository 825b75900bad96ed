import type { Orm } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface SettlementSettings {
  utcOffsetMinutes: number;
  feeBps: number;
}

export interface SettlementRow {
  id: string;
  store_id: string;
  settlement_date: string;
  currency: string;
  order_count: number;
  refund_count: number;
  gross_sales: string;
  refunds: string;
  platform_fee: string;
  payout: string;
  fee_bps: number;
}

/** Start and end (UTC) of a local calendar day. */
export function dayWindow(date: string, utcOffsetMinutes: number): [Date, Date] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new RangeError(`Not a date: ${date}`);
  const start = new Date(Date.parse(`${date}T00:00:00Z`) - utcOffsetMinutes * 60_000);
  return [start, new Date(start.getTime() + 24 * 3600_000)];
}

/** The local calendar date of an instant. */
export function localDate(instant: Date, utcOffsetMinutes: number): string {
  return new Date(instant.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * What the buyer paid for an order's goods, cash plus points (subtotal − coupon discount): the seller's sale.
 * Money goes back on an approved refund, or on a cancellation of an order that had been paid.
 */
export const SALE_AMOUNT_SQL = `(o."subtotal_amount" - o."discount_amount")`;
export const RETURNED_AT_SQL = `coalesce(o."refunded_at", case when o."status" = 'CANCELLED' and o."paid_at" is not null then o."cancelled_at" end)`;

/**
 * Settles one local day for every store: gross sales (orders paid that day), refunds (money that went back
 * that day), the platform fee (fee on gross minus fee on refunds, each rounded half up) and the payout.
 * Exactly once per day whatever runs it and how often: the day's advisory lock serializes concurrent runs,
 * the `settlement_run` row makes later runs no-ops, and (store, date, currency) is unique besides.
 * Returns whether this call did the work.
 */
export async function settleDay(orm: Orm, date: string, settings: SettlementSettings): Promise<boolean> {
  const [from, to] = dayWindow(date, settings.utcOffsetMinutes);
  return (orm.em.fork() as EntityManager).transactional(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`orders:settlement:${date}`]);
    const done = await tx.execute(`select 1 from "orders"."settlement_run" where "settlement_date" = ?::date`, [date]);
    if (done.length > 0) return false;
    const fee = (column: string) => `((${column}) * ${settings.feeBps} + 5000) / 10000`;
    const inserted = await tx.execute<{ store_id: string }[]>(
      `with sales as (
         select o."store_id", o."currency", count(*) as "orders", sum(${SALE_AMOUNT_SQL})::bigint as "amount"
         from "orders"."customer_order" o
         where o."store_id" is not null and o."paid_at" >= ? and o."paid_at" < ? group by 1, 2
       ), returns as (
         select o."store_id", o."currency", count(*) as "orders", sum(${SALE_AMOUNT_SQL})::bigint as "amount"
         from "orders"."customer_order" o
         where o."store_id" is not null and ${RETURNED_AT_SQL} >= ? and ${RETURNED_AT_SQL} < ? group by 1, 2
       ), totals as (
         select coalesce(s."store_id", r."store_id") as "store_id", coalesce(s."currency", r."currency") as "currency",
                coalesce(s."orders", 0) as "order_count", coalesce(r."orders", 0) as "refund_count",
                coalesce(s."amount", 0) as "gross", coalesce(r."amount", 0) as "refunds"
         from sales s full join returns r on r."store_id" = s."store_id" and r."currency" = s."currency"
       )
       insert into "orders"."settlement" ("id", "store_id", "settlement_date", "currency", "order_count", "refund_count",
                                          "gross_sales", "refunds", "platform_fee", "payout", "fee_bps")
       select gen_random_uuid(), "store_id", ?::date, "currency", "order_count", "refund_count", "gross", "refunds",
              ${fee('"gross"')} - ${fee('"refunds"')},
              "gross" - "refunds" - (${fee('"gross"')} - ${fee('"refunds"')}), ${settings.feeBps}
       from totals
       on conflict ("store_id", "settlement_date", "currency") do nothing
       returning "store_id"`,
      [from, to, from, to, date],
    );
    await tx.execute(`insert into "orders"."settlement_run" ("settlement_date", "store_count") values (?::date, ?)`, [date, inserted.length]);
    return true;
  });
}

export async function listSettlements(em: EntityManager, storeId: string, from: string, to: string): Promise<SettlementRow[]> {
  return em.execute<SettlementRow[]>(
    `select "id", "store_id", to_char("settlement_date", 'YYYY-MM-DD') as "settlement_date", "currency", "order_count", "refund_count",
            "gross_sales", "refunds", "platform_fee", "payout", "fee_bps"
     from "orders"."settlement" where "store_id" = ? and "settlement_date" between ?::date and ?::date order by "settlement_date", "currency"`,
    [storeId, from, to],
  );
}

/** Milliseconds until the next local HH:MM. */
export function msUntilNext(time: string, utcOffsetMinutes: number, now = new Date()): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const localNow = now.getTime() + utcOffsetMinutes * 60_000;
  const dayStart = Math.floor(localNow / 86_400_000) * 86_400_000;
  let next = dayStart + (hours * 60 + minutes) * 60_000;
  if (next <= localNow) next += 86_400_000;
  return next - localNow;
}

/**
 * Every process runs this scheduler; `settleDay` makes the extra runs harmless. At start it also settles
 * yesterday if the run was missed (all processes were down at the scheduled time).
 */
export function startSettlementScheduler(orm: Orm, settings: SettlementSettings & { time: string }, log = console.error) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const yesterday = () => localDate(new Date(Date.now() - 86_400_000), settings.utcOffsetMinutes);
  const runOnce = () => settleDay(orm, yesterday(), settings).catch((error) => log(`settlement: ${(error as Error).message}`));
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await runOnce();
      schedule();
    }, msUntilNext(settings.time, settings.utcOffsetMinutes));
  };
  const [hours, minutes] = settings.time.split(':').map(Number) as [number, number];
  const localMinutes = Math.floor(((Date.now() + settings.utcOffsetMinutes * 60_000) % 86_400_000) / 60_000);
  const catchUp = localMinutes >= hours * 60 + minutes ? runOnce() : Promise.resolve();
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await catchUp;
  };
}
