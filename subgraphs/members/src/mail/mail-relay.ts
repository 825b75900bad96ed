import { type Logger, logTo, type Orm, type OutboxRelay, startOutboxRelay } from '@commerce/kit';
import type { MembersConfig } from '../config.js';
import { MAIL_TOPIC } from './mail.outbox.js';
import { createMailHandler } from './mailer.js';

/** Starts delivering queued mail; the returned stop finishes the batch in progress, then closes SMTP. */
export function startMailRelay(orm: Orm, config: MembersConfig, logger: Logger): { relay: OutboxRelay; stop(): Promise<void> } {
  const mailer = createMailHandler({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
  const relay = startOutboxRelay({
    orm,
    handlers: { [MAIL_TOPIC]: mailer.handler },
    log: logTo(logger),
    baseDelayMs: config.MAIL_RETRY_BASE_DELAY_MS,
    maxDelayMs: config.MAIL_RETRY_MAX_DELAY_MS,
  });
  return {
    relay,
    async stop() {
      await relay.stop();
      mailer.close();
    },
  };
}
