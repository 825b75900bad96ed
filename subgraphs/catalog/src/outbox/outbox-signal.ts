/**
 * Lets a mutation nudge the outbox relay right after its transaction commits, instead of waiting for the
 * next poll. The relay starts after the services are built (in the definition's `start` hook) and
 * attaches itself here; until then, or after it stopped, a wake is a no-op and polling picks the row up.
 */
export class OutboxSignal {
  private listener: (() => void) | null = null;

  attach(listener: () => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }

  wake(): void {
    this.listener?.();
  }
}
