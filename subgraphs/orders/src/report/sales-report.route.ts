import type { Logger } from '@commerce/kit';
import type { Express } from 'express';
import type { OrdersConfig } from '../config.js';
import type { OrdersServices } from '../services.js';
import { salesReport, toCsv, verifyReportLink } from './sales-report.service.js';

/**
 * GET /reports/sales.csv?token=… — the CSV twin of `salesReport`. The token comes from the
 * `salesReportCsvLink` mutation, which checked store ownership; it is signed and expires in minutes, so
 * a browser can follow the link without the signed identity headers only the gateway can make.
 */
export function salesReportRoute(app: Express, { orm, config }: { orm: OrdersServices['orm']; config: OrdersConfig }, logger: Logger) {
  app.get('/reports/sales.csv', async (req, res) => {
    const claims = typeof req.query.token === 'string' ? verifyReportLink(req.query.token, config.GATEWAY_SHARED_SECRET) : null;
    if (!claims) {
      res.status(403).json({ error: 'The link is invalid or has expired; ask for a new one.' });
      return;
    }
    try {
      const rows = await salesReport(orm.em.fork(), claims.storeId, claims.from, claims.to, claims.groupBy, config.SETTLEMENT_UTC_OFFSET_MINUTES);
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('content-disposition', `attachment; filename="sales-${claims.storeId}-${claims.from}-${claims.to}-${claims.groupBy.toLowerCase()}.csv"`)
        .set('cache-control', 'private, no-store')
        .send(toCsv(rows, claims.groupBy));
    } catch (error) {
      res.status(500).json({ error: 'The report could not be made.' });
      logger.error({ err: error }, 'sales.csv failed');
    }
  });
}
