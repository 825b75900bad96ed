import { createServiceClient, type SubgraphRuntime, startOutboxRelay } from '@commerce/kit';
import { VARIANT_AVAILABILITY_TOPIC, variantAvailabilityHandler } from './availability/variant-availability.outbox.js';
import { INVENTORY_DEFAULTS, type InventoryConfig } from './config.js';
import type { InventoryServices } from './inventory.services.js';
import { startReservationSweeper } from './reservation/reservation-sweeper.js';

/**
 * Background work of the inventory subgraph: the outbox relay that tells the catalog about availability,
 * and the sweeper that gives expired reservations' units back. Returns how to stop both.
 */
export async function startInventoryWorkers({
  orm,
  config,
  services,
}: SubgraphRuntime<InventoryConfig> & { services: InventoryServices }): Promise<() => Promise<void>> {
  const callSubgraph = createServiceClient({ service: 'inventory', secret: config.GATEWAY_SHARED_SECRET });
  const relay = startOutboxRelay({
    orm,
    handlers: {
      [VARIANT_AVAILABILITY_TOPIC]: variantAvailabilityHandler({
        orm,
        callSubgraph,
        catalogUrl: config.CATALOG_URL ?? INVENTORY_DEFAULTS.CATALOG_URL,
      }),
    },
    ...(config.OUTBOX_POLL_MS !== undefined ? { pollIntervalMs: config.OUTBOX_POLL_MS } : {}),
    ...(config.OUTBOX_RETRY_BASE_MS !== undefined ? { baseDelayMs: config.OUTBOX_RETRY_BASE_MS } : {}),
  });
  services.outbox.attach(relay);
  const sweeper = startReservationSweeper({
    orm,
    services,
    intervalMs: config.RESERVATION_SWEEP_MS ?? INVENTORY_DEFAULTS.RESERVATION_SWEEP_MS!,
  });
  return async () => {
    services.outbox.attach(null);
    await Promise.all([sweeper.stop(), relay.stop()]);
  };
}
