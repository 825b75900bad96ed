import { connect, type Socket } from 'node:net';

/** One answer: its status and body (text), or the error that ended it. */
export interface RawAnswer {
  status: number;
  body: string;
}

interface Pending {
  request: string;
  resolve: (answer: RawAnswer) => void;
  reject: (error: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/**
 * A keep-alive HTTP/1.1 connection for the benchmarks' load generators: one request at a time, each a ready-made string,
 * answers read with Content-Length or chunked framing. It exists to keep the generator's own CPU small: it shares the
 * machine with the servers it measures, and undici's general-purpose client spent about 45 µs of CPU per request of a
 * burst (its pool scanning its connections, its request and stream objects, their garbage).
 */
export class RawHttpConnection {
  private readonly socket: Socket;
  private readonly queue: Pending[] = [];
  private inFlight: Pending | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private closedWith: Error | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      this.closedWith ??= error;
      for (const pending of [this.inFlight, ...this.queue.splice(0)]) pending?.reject(this.closedWith);
      this.inFlight = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(host: string, port: number): Promise<RawHttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new RawHttpConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** `POST path` with a JSON body and extra header lines (each "Name: value\r\n"). */
  static post(host: string, path: string, headerLines: string, body: string): string {
    return `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${headerLines}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }

  /** Sends `request` once the answers before it are in; resolves with its answer. */
  send(request: string): Promise<RawAnswer> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.inFlight) this.next();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private next() {
    this.inFlight = this.queue.shift();
    if (this.inFlight) this.socket.write(this.inFlight.request);
  }

  private onData(chunk: Buffer) {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      let answer: ReturnType<RawHttpConnection['parse']>;
      try {
        answer = this.parse();
      } catch (error) {
        this.socket.destroy(error as Error);
        return;
      }
      if (!answer) return;
      const done = this.inFlight;
      this.inFlight = undefined;
      done?.resolve(answer.value);
      this.buffered = this.buffered.subarray(answer.length);
      this.next();
    }
  }

  /** A whole answer at the front of the buffer, and how many bytes it took; undefined until all of it arrived. */
  private parse(): { value: RawAnswer; length: number } | undefined {
    const buffer = this.buffered;
    const headerEnd = buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return undefined;
    const head = buffer.toString('latin1', 0, headerEnd).toLowerCase();
    const status = Number(head.slice(9, 12));
    const bodyStart = headerEnd + HEADER_END.length;
    const lengthMatch = /\r\ncontent-length: *(\d+)/.exec(head);
    if (lengthMatch) {
      const end = bodyStart + Number(lengthMatch[1]);
      if (buffer.length < end) return undefined;
      return { value: { status, body: buffer.toString('utf8', bodyStart, end) }, length: end };
    }
    if (!/\r\ntransfer-encoding: *chunked/.test(head)) throw new Error(`an answer without a length: ${head.slice(0, 200)}`);
    const parts: Buffer[] = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = buffer.indexOf(CRLF, at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
      const dataStart = lineEnd + CRLF.length;
      // A chunk is followed by CRLF; the last (size 0) by CRLF too (no trailers are sent to us).
      if (buffer.length < dataStart + size + CRLF.length) return undefined;
      if (size === 0) return { value: { status, body: Buffer.concat(parts).toString('utf8') }, length: dataStart + CRLF.length };
      parts.push(buffer.subarray(dataStart, dataStart + size));
      at = dataStart + size + CRLF.length;
    }
  }
}

/** Keep-alive connections to one origin, opened as needed and reused: one request on each at a time. */
export class RawHttpPool {
  private readonly idle: RawHttpConnection[] = [];
  private readonly all: RawHttpConnection[] = [];
  readonly host: string;
  private readonly hostname: string;
  private readonly port: number;

  constructor(origin: string) {
    const url = new URL(origin);
    this.host = url.host;
    this.hostname = url.hostname;
    this.port = Number(url.port || 80);
  }

  /** Sends a request on an idle connection (a new one when none is idle); a connection that failed is not reused. */
  async send(request: string): Promise<RawAnswer> {
    let connection = this.idle.pop();
    if (!connection) {
      connection = await RawHttpConnection.open(this.hostname, this.port);
      this.all.push(connection);
    }
    const answer = await connection.send(request);
    this.idle.push(connection);
    return answer;
  }

  close(): void {
    for (const connection of this.all) connection.close();
  }
}
