/**
 * The gateway's batch of subgraph calls: several GraphQL requests, each with its own headers (its caller's signed
 * identity, request id, client address), sent as one HTTP request and answered as one. Request: a POST with the
 * header `x-subgraph-batch: <count>` and a JSON array of `{ headers, body }`, `body` being the call's GraphQL
 * request. Answer (content type BATCH_CONTENT_TYPE): a frame per call, in the order the calls finish, each a line
 * `<index> <status> <length> <content type>` and then the call's body, `length` characters long; so the gateway
 * hands each caller its own text as soon as it is in, without parsing anyone's answer.
 */
export const BATCH_HEADER = 'x-subgraph-batch';
export const BATCH_CONTENT_TYPE = 'application/x-subgraph-batch';
/** More calls than this in one batch are refused (the gateway sends at most 64). */
export const MAX_BATCHED_CALLS = 256;

export interface BatchedCall {
  headers: Record<string, string>;
  /** The call's GraphQL request as JSON text. */
  body: string;
}

export interface BatchedAnswer {
  status: number;
  contentType: string;
  text: string;
}

export function encodeBatchRequest(calls: readonly BatchedCall[]): string {
  let text = '[';
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    text += `${i === 0 ? '' : ','}{"headers":${JSON.stringify(call.headers)},"body":${call.body}}`;
  }
  return `${text}]`;
}

/** The calls of a parsed batch body, or undefined when it is not one (or has more than `max` calls). */
export function decodeBatchRequest(body: unknown, max = MAX_BATCHED_CALLS): { headers: Record<string, string>; body: unknown }[] | undefined {
  if (!Array.isArray(body) || body.length === 0 || body.length > max) return undefined;
  for (const call of body) {
    if (typeof call !== 'object' || call === null || typeof call.headers !== 'object' || call.headers === null || Array.isArray(call.headers)) return undefined;
    for (const value of Object.values(call.headers)) if (typeof value !== 'string') return undefined;
  }
  return body as { headers: Record<string, string>; body: unknown }[];
}

/** One call's answer as a frame of the batch's answer. */
export function encodeBatchFrame(index: number, answer: BatchedAnswer): string {
  return `${index} ${answer.status} ${answer.text.length} ${answer.contentType}\n${answer.text}`;
}

const FRAME_HEAD = /^(\d+) (\d{3}) (\d+) ([^\n]*)$/;
/** A frame's first line is short; more text without a line break is not a batch's answer. */
const MAX_FRAME_HEAD = 1024;
/** Longer answers than this (64 Mi characters) are not taken from a batch. */
const MAX_FRAME_CHARS = 64 * 1024 * 1024;

interface FrameHead {
  index: number;
  status: number;
  contentType: string;
  length: number;
}

/**
 * Reads a batch's answer as it arrives: each frame is handed over as soon as it is complete, so a call is answered
 * when its own frame is in, not when the slowest call of its batch is done. A frame's body is gathered in pieces and
 * joined once, so reading an answer costs time in proportion to its length however it is cut.
 */
export class BatchFrameReader {
  /** The current frame's first line, until its line break arrives. */
  private headText = '';
  private head: FrameHead | undefined;
  private body: string[] = [];
  private bodyLength = 0;

  constructor(private readonly onFrame: (index: number, answer: BatchedAnswer) => void) {}

  /** Takes the next piece of the answer's text; false once the text is not frames (read no further). */
  push(chunk: string): boolean {
    let at = 0;
    while (at < chunk.length) {
      if (!this.head) {
        const newline = chunk.indexOf('\n', at);
        if (newline === -1) {
          this.headText += chunk.slice(at);
          return this.headText.length <= MAX_FRAME_HEAD;
        }
        if (this.headText.length + newline - at > MAX_FRAME_HEAD) return false;
        const match = FRAME_HEAD.exec(this.headText + chunk.slice(at, newline));
        this.headText = '';
        at = newline + 1;
        if (!match || Number(match[3]) > MAX_FRAME_CHARS) return false;
        this.head = { index: Number(match[1]), status: Number(match[2]), contentType: match[4]!, length: Number(match[3]) };
      }
      const take = Math.min(this.head.length - this.bodyLength, chunk.length - at);
      if (take > 0) {
        this.body.push(take === chunk.length ? chunk : chunk.slice(at, at + take));
        this.bodyLength += take;
        at += take;
      }
      if (this.bodyLength < this.head.length) return true;
      const { index, status, contentType } = this.head;
      const text = this.body.length === 1 ? this.body[0]! : this.body.join('');
      this.head = undefined;
      this.body = [];
      this.bodyLength = 0;
      this.onFrame(index, { status, contentType, text });
    }
    return true;
  }

  /** Whether a frame was begun and not finished (the answer broke off). */
  get incomplete(): boolean {
    return this.headText.length > 0 || this.head !== undefined;
  }
}
