import type { OutboxHandler } from '@commerce/kit';
import nodemailer from 'nodemailer';
import type { MailPayload } from './mail.outbox.js';

export interface MailerOptions {
  smtpUrl: string;
  from: string;
}

/**
 * Sends outbox mail over SMTP. A failure throws, so the relay retries the row with backoff (also after a
 * restart: the row stays pending). The Message-ID is derived from the outbox row, so in the one window the
 * relay cannot close (sent, then crashed before marking the row) the receiving side can drop the duplicate.
 * Timeouts are short because the relay holds the row's lock while sending.
 */
export function createMailHandler({ smtpUrl, from }: MailerOptions): { handler: OutboxHandler; close(): void } {
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 15_000 });
  return {
    handler: async (payload: MailPayload, message) => {
      await transport.sendMail({
        from,
        to: payload.to,
        subject: payload.subject,
        text: payload.text,
        messageId: `<${message.id}@members.commerce>`,
      });
    },
    close: () => transport.close(),
  };
}
