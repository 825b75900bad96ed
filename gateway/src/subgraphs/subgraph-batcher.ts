import { BATCH_CONTENT_TYPE, BATCH_HEADER, type BatchedAnswer, type BatchedCall, BatchFrameReader, encodeBatchRequest } from '@commerce/kit/http';

/** One call's answer: its status and body text, or why the call got none (the transport's own classification). */
export type CallAnswer<Failure> = BatchedAnswer | Failure;

/** An answer whose body is still arriving. */
export interface OpenAnswer {
  status: number;
  contentType: string;
  /** The body's text, piece by piece; throws if it breaks off. */
  chunks: AsyncIterable<string>;
}

export interface BatchTransport<Failure extends Error> {
  /** Sends one HTTP request; resolves with the whole answer or the failure (never rejects). */
  send(headers: Record<string, string>, body: string, budgetMs: number): Promise<CallAnswer<Failure>>;
  /** Sends one HTTP request; resolves once the answer's head is in, or with the failure (never rejects). */
  open(headers: Record<string, string>, body: string, budgetMs: number): Promise<OpenAnswer | Failure>;
  /** The failure of the calls still waiting when an answer's body broke off with `error`. */
  failed(error: unknown): Failure;
  /** The failure of every call a batch's answer left out, or of all of them when it cannot be read as one. */
  malformed(): Failure;
  /** Told the number of calls of every batch sent. */
  onBatch?: (calls: number) => void;
}

interface Queued<Failure> extends BatchedCall {
  budgetMs: number;
  resolve: (answer: CallAnswer<Failure>) => void;
}

/** After a subgraph refused a batch (it does not serve them: an older version in a rolling deploy), calls go alone this long. */
const BATCHES_REFUSED_PAUSE_MS = 30_000;

/**
 * Sends the calls queued within one turn of the event loop to a subgraph as one HTTP request. Under a burst of
 * distinct mutations (a time-sale's claims) every call used to be its own request: its own write and read on each
 * side, its own HTTP parse, which profiles showed as a third of the gateway's CPU per claim. A lone call goes as it
 * always did. Each call keeps its own headers (request id, client address, signed identity): the subgraph builds
 * each one's context from them, as if it had come alone, and streams each answer back as soon as it is ready.
 */
export class SubgraphBatcher<Failure extends Error> {
  private queue: Queued<Failure>[] = [];
  private queuedChars = 0;
  private scheduled = false;
  private batchesRefusedUntil = 0;

  constructor(
    private readonly transport: BatchTransport<Failure>,
    private readonly maxCalls = 64,
    /** A batch stays well under a subgraph's 1 MB body limit; a call this large on its own goes alone. */
    private readonly maxChars = 256 * 1024,
  ) {}

  /**
   * Sends a call, in a batch with the others of this turn. Calls of one batch share its time budget, so all should
   * have the same: a retry, with only what is left of its budget, should go alone (`send`).
   */
  call(headers: Record<string, string>, body: string, budgetMs: number): Promise<CallAnswer<Failure>> {
    if (Date.now() < this.batchesRefusedUntil) return this.transport.send(headers, body, budgetMs);
    return new Promise((resolve) => {
      // A call's headers (signed identity, request id, address) are well under a kilobyte.
      const chars = body.length + 1024;
      if (this.queue.length > 0 && this.queuedChars + chars > this.maxChars) this.flush();
      this.queue.push({ headers, body, budgetMs, resolve });
      this.queuedChars += chars;
      if (this.queue.length >= this.maxCalls || this.queuedChars >= this.maxChars) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush() {
    this.scheduled = false;
    const calls = this.queue;
    this.queue = [];
    this.queuedChars = 0;
    if (calls.length === 0) return;
    if (calls.length === 1) {
      const [only] = calls as [Queued<Failure>];
      void this.transport.send(only.headers, only.body, only.budgetMs).then(only.resolve);
      return;
    }
    const waiting = new Set(calls.keys());
    const settle = (index: number, answer: CallAnswer<Failure>) => {
      if (waiting.delete(index)) calls[index]!.resolve(answer);
    };
    this.sendBatch(calls, settle)
      .catch((error: unknown) => this.transport.failed(error))
      .then((failure) => {
        // Whatever the batch's answer left unsettled fails: no caller waits forever.
        if (waiting.size === 0) return;
        const reason = failure ?? this.transport.malformed();
        for (const index of waiting) settle(index, reason);
      });
  }

  /** Sends the batch and settles its calls as their answers arrive; resolves with the failure of those left, if known. */
  private async sendBatch(calls: Queued<Failure>[], settle: (index: number, answer: CallAnswer<Failure>) => void): Promise<Failure | undefined> {
    this.transport.onBatch?.(calls.length);
    const budgetMs = Math.max(...calls.map((call) => call.budgetMs));
    const answer = await this.transport.open({ 'content-type': 'application/json', [BATCH_HEADER]: String(calls.length) }, encodeBatchRequest(calls), budgetMs);
    if (answer instanceof Error) return answer;
    try {
      if (answer.contentType.startsWith(BATCH_CONTENT_TYPE)) {
        const reader = new BatchFrameReader(settle);
        for await (const chunk of answer.chunks) if (!reader.push(chunk)) break;
        return undefined;
      }
      let text = '';
      for await (const chunk of answer.chunks) text += chunk;
      if (answer.status >= 400 && answer.status < 500) {
        // Refused before any call ran (a subgraph that does not serve batches): each call goes again on its own.
        this.batchesRefusedUntil = Date.now() + BATCHES_REFUSED_PAUSE_MS;
        await Promise.all(calls.map(async (call, index) => settle(index, await this.transport.send(call.headers, call.body, call.budgetMs))));
        return undefined;
      }
      // Not a batch (a proxy's 502): every call gets it, to be judged as its own answer.
      calls.forEach((_, index) => settle(index, { status: answer.status, contentType: answer.contentType, text }));
      return undefined;
    } catch (error) {
      return this.transport.failed(error);
    }
  }
}
