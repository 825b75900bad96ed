import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  raw: string;
  /** The text body with quoted-printable soft breaks and escapes undone. */
  text: string;
  messageId: string | null;
}

/** A free loopback port (nothing listens on it once this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const decodeQuotedPrintable = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** A real SMTP server in the test process: the app's mail goes over the wire and lands here. */
export class MailCatcher {
  readonly messages: CaughtMail[] = [];
  private server: SMTPServer | null = null;
  private holder: Server | null = null;

  constructor(readonly port: number) {}

  /**
   * SMTP "down" without giving the port up: every connection is cut at once. An unbound port would be free for the
   * kernel to hand to another test process meanwhile, and `start` would then fail with EADDRINUSE.
   */
  async startDown(): Promise<this> {
    const holder = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.holder = holder;
    return this;
  }

  private async release(): Promise<void> {
    const holder = this.holder;
    this.holder = null;
    if (holder) await new Promise<void>((resolve) => holder.close(() => resolve()));
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await this.release();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        stream.on('end', () => {
          this.messages.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw,
            text: decodeQuotedPrintable(raw),
            messageId: raw.match(/^Message-ID:\s*(\S+)/im)?.[1] ?? null,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.release();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): CaughtMail[] {
    return this.messages.filter((mail) => mail.to.includes(address));
  }

  /** Waits for the n-th mail to `address` and returns the token of the link in it. */
  async tokenFor(address: string, nth = 1, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const mail = this.to(address)[nth - 1];
      const token = mail?.text.match(/[?&]token=([A-Za-z0-9_-]+)/)?.[1];
      if (token) return token;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no mail #${nth} to ${address} within ${timeoutMs} ms (got ${this.messages.length} in all)`);
  }
}
