/**
 * Wraps a read (a database query) that several gauges take their values from at scrape time. A registry collects its
 * gauges at once, so the gauges of one scrape share the read in flight. A read that fails (the database away) answers
 * undefined: the gauges keep their last values and the scrape still succeeds, since during an outage the process's
 * other series are the ones that matter.
 */
export function sharedScrapeRead<T>(read: () => Promise<T>): () => Promise<T | undefined> {
  let inFlight: Promise<T | undefined> | undefined;
  return () =>
    (inFlight ??= read()
      .catch(() => undefined)
      .finally(() => {
        inFlight = undefined;
      }));
}
