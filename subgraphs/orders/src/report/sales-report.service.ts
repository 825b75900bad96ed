import { createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dayWindow } from '../settlement/settlement.service.js';

export type ReportGrouping = 'PRODUCT' | 'DAY';

export interface SalesReportRow {
  key: string;
  label: string;
  currency: string;
  units: number;
  revenue: number;
  refundedUnits: number;
  refunds: number;
}

const MAX_DAYS = 366;

export function checkPeriod(from: string, to: string, utcOffsetMinutes: number): [Date, Date] {
  let start: Date;
  let end: Date;
  try {
    [start] = dayWindow(from, utcOffsetMinutes);
    [, end] = dayWindow(to, utcOffsetMinutes);
  } catch {
    throw badUserInput('from and to are dates like 2026-12-01.', 'from');
  }
  if (end <= start) throw badUserInput('to must not be before from.', 'to');
  if (end.getTime() - start.getTime() > MAX_DAYS * 86_400_000) throw badUserInput(`A report covers at most ${MAX_DAYS} days.`, 'to');
  return [start, end];
}

/**
 * Units, revenue and refunds of one store over [from, to] (local dates), by product or by day. Revenue is
 * what buyers paid for the lines (line amount − its coupon share), counted on the day of payment; refunds
 * on the day the money went back (approved refund, or cancellation after payment). One SQL statement.
 */
export async function salesReport(
  em: EntityManager,
  storeId: string,
  from: string,
  to: string,
  groupBy: ReportGrouping,
  utcOffsetMinutes: number,
): Promise<SalesReportRow[]> {
  const [start, end] = checkPeriod(from, to, utcOffsetMinutes);
  const returnedAt = `coalesce(o."refunded_at", case when o."status" = 'CANCELLED' and o."paid_at" is not null then o."cancelled_at" end)`;
  const keyOf = (instant: string) =>
    groupBy === 'DAY' ? `to_char(${instant} + make_interval(mins => ${utcOffsetMinutes}), 'YYYY-MM-DD')` : `l."product_id"::text`;
  const rows = await em.execute<{ key: string; label: string; currency: string; units: string; revenue: string; refunded_units: string; refunds: string }[]>(
    `with events as (
       select ${keyOf('o."paid_at"')} as "key", l."name", o."currency", l."quantity" as "units",
              l."quantity" * l."unit_price_amount" - l."discount_amount" as "revenue", 0 as "refunded_units", 0 as "refunds"
       from "orders"."order_line" l join "orders"."customer_order" o on o."id" = l."order_id"
       where o."store_id" = ? and o."paid_at" >= ? and o."paid_at" < ?
       union all
       select ${keyOf(returnedAt)}, l."name", o."currency", 0, 0, l."quantity", l."quantity" * l."unit_price_amount" - l."discount_amount"
       from "orders"."order_line" l join "orders"."customer_order" o on o."id" = l."order_id"
       where o."store_id" = ? and ${returnedAt} >= ? and ${returnedAt} < ?
     )
     select "key", max("name") as "label", "currency", sum("units") as "units", sum("revenue") as "revenue",
            sum("refunded_units") as "refunded_units", sum("refunds") as "refunds"
     from events group by "key", "currency" order by "key", "currency"`,
    [storeId, start, end, storeId, start, end],
  );
  return rows.map((row) => ({
    key: row.key,
    label: groupBy === 'DAY' ? row.key : (row.label ?? row.key),
    currency: row.currency,
    units: Number(row.units),
    revenue: Number(row.revenue),
    refundedUnits: Number(row.refunded_units),
    refunds: Number(row.refunds),
  }));
}

const csvField = (value: string | number) => {
  const text = String(value);
  // Quote when needed; a leading =,+,-,@ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function toCsv(rows: SalesReportRow[], groupBy: ReportGrouping): string {
  const header = [groupBy === 'DAY' ? 'date' : 'product_id', 'label', 'currency', 'units', 'revenue', 'refunded_units', 'refunds'];
  const lines = rows.map((row) => [row.key, row.label, row.currency, row.units, row.revenue, row.refundedUnits, row.refunds].map(csvField).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

export interface ReportLinkClaims {
  storeId: string;
  from: string;
  to: string;
  groupBy: ReportGrouping;
  /** Expiry, ms since epoch. */
  exp: number;
}

const signature = (payload: string, secret: string) => createHmac('sha256', `report-link:${secret}`).update(payload).digest('base64url');

/** A short-lived token for a CSV download: the link works from a browser, which cannot add signed identity headers. */
export function signReportLink(claims: ReportLinkClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${signature(payload, secret)}`;
}

export function verifyReportLink(token: string, secret: string, now = Date.now()): ReportLinkClaims | null {
  const [payload, given] = token.split('.');
  if (!payload || !given) return null;
  const expected = Buffer.from(signature(payload, secret));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as ReportLinkClaims;
    return claims.exp > now ? claims : null;
  } catch {
    return null;
  }
}
