/**
 * Polls `check` until it stops throwing and returns its value; when `timeoutMs` runs out, throws its last error.
 * For effects that arrive asynchronously (outbox deliveries, stream consumers, pub/sub events).
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}
