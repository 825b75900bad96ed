/**
 * An async iterator fed by pushes, as graphql-ws consumes it. Bounded: when a client reads slower than
 * events arrive, the oldest undelivered results are dropped (the newest always stays), so one slow socket
 * cannot grow the gateway's memory without bound.
 */
export function createEventQueue<T>(maxQueued: number, onReturn: () => void) {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: unknown;

  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      while (!finished && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (queue.length > 0) return { value: queue.shift()!, done: false };
      if (failure) throw failure;
      return { value: undefined, done: true };
    },
    async return() {
      if (!finished) {
        finished = true;
        onReturn();
      }
      return { value: undefined, done: true };
    },
  };

  return {
    iterator,
    push(value: T) {
      if (finished) return;
      queue.push(value);
      if (queue.length > maxQueued) queue.shift();
      wake?.();
    },
    end(error?: unknown) {
      failure = error;
      finished = true;
      wake?.();
    },
    get size() {
      return queue.length;
    },
  };
}
