/**
 * Subscriber process for the fan-out scenario: opens BENCH_SUBSCRIBERS graphql-ws connections to the gateway,
 * gradually (BENCH_OPEN_PER_S), each with one `stockChanged` subscription on variant i % variants.length, and
 * records every event: the delivery latency (now − the event's `at`) and each subscriber's last value.
 * Prints "OPENED {…}" when every subscription was sent, and "RESULT {…}" on SIGUSR2, then exits.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.env.BENCH_GATEWAY_URL!.replace(/^http/, 'ws');
const variants = JSON.parse(process.env.BENCH_VARIANTS!) as string[];
const total = Number(process.env.BENCH_SUBSCRIBERS);
const openPerSecond = Number(process.env.BENCH_OPEN_PER_S);
const QUERY = 'subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { variantId available at } }';

const last: (number | null)[] = new Array(total).fill(null);
const counts = new Uint32Array(total);
const latencies: number[] = [];
let errors = 0;
let firstError: string | undefined;
const clients: ReturnType<typeof createClient>[] = [];

function open(i: number) {
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  clients.push(client);
  client.subscribe<{ stockChanged: { available: number; at: string } }>(
    { query: QUERY, variables: { ids: [variants[i % variants.length]] } },
    {
      next: (result) => {
        const event = result.data?.stockChanged;
        if (!event) {
          errors++;
          firstError ??= JSON.stringify(result.errors);
          return;
        }
        latencies.push(Date.now() - Date.parse(event.at));
        last[i] = event.available;
        counts[i] = counts[i]! + 1;
      },
      error: (error) => {
        errors++;
        const close = error as { code?: number; reason?: string };
        firstError ??= typeof close.code === 'number' ? `close ${close.code} ${close.reason}` : String(error);
      },
      complete: () => {},
    },
  );
}

const batch = Math.max(1, Math.round(openPerSecond / 20));
for (let i = 0; i < total; i += batch) {
  for (let j = i; j < Math.min(total, i + batch); j++) open(j);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
console.log(`OPENED ${JSON.stringify({ subscribers: total, errors })}`);

process.on('SIGUSR2', () => {
  console.log(`RESULT ${JSON.stringify({ last, counts: [...counts], latencies, errors, firstError, rssMb: process.memoryUsage().rss / 2 ** 20 })}`);
  for (const client of clients) void client.dispose();
  setTimeout(() => process.exit(0), 500);
});
setInterval(() => {}, 60_000);
