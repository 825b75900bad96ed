import { createServiceClient, logTo, type SubgraphRuntime, startOutboxRelay } from '@commerce/kit';
import { VARIANT_AVAILABILITY_TOPIC, variantAvailabilityHandler } from './availability/variant-availability.outbox.js';
import { INVENTORY_DEFAULTS, type InventoryConfig } from './config.js';
import type { InventoryServices } from './inventory.services.js';
import { startReservationSweeper } from './reservation/reservation-sweeper.js';
import { TIME_SALE_PRICE_TOPIC, timeSalePriceHandler } from './time-sale/time-sale-price.outbox.js';
import { startTimeSaleWorkers } from './time-sale/time-sale.worker.js';

/**
 * Background work of the inventory subgraph: the outbox relay that tells the catalog about availability
 * and time-sale prices, the sweeper that gives expired reservations' units back, and the time-sale
 * engine's workers (stream consumer, claim expiry, rebuild, settlement, reconciliation). Returns how to stop them.
 */
export async function startInventoryWorkers({
  orm,
  config,
  services,
  logger,
}: SubgraphRuntime<InventoryConfig> & { services: InventoryServices }): Promise<() => Promise<void>> {
  const callSubgraph = createServiceClient({ service: 'inventory', secret: config.GATEWAY_SHARED_SECRET });
  const catalogUrl = config.CATALOG_URL ?? INVENTORY_DEFAULTS.CATALOG_URL;
  const log = logTo(logger);
  const relay = startOutboxRelay({
    orm,
    log,
    handlers: {
      [VARIANT_AVAILABILITY_TOPIC]: variantAvailabilityHandler({ orm, callSubgraph, catalogUrl }),
      [TIME_SALE_PRICE_TOPIC]: timeSalePriceHandler({ orm, callSubgraph, catalogUrl }),
    },
    ...(config.OUTBOX_POLL_MS !== undefined ? { pollIntervalMs: config.OUTBOX_POLL_MS } : {}),
    ...(config.OUTBOX_RETRY_BASE_MS !== undefined ? { baseDelayMs: config.OUTBOX_RETRY_BASE_MS } : {}),
  });
  services.outbox.attach(relay);
  const sweeper = startReservationSweeper({
    orm,
    services,
    intervalMs: config.RESERVATION_SWEEP_MS ?? INVENTORY_DEFAULTS.RESERVATION_SWEEP_MS,
    log,
  });
  const stopTimeSales = await startTimeSaleWorkers({ orm, services, config, log });
  return async () => {
    services.outbox.attach(null);
    await Promise.all([sweeper.stop(), relay.stop(), stopTimeSales()]);
  };
}
