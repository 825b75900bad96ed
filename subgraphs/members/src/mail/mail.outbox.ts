import { enqueueOutbox } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';

export const MAIL_TOPIC = 'mail.send';

export interface MailPayload {
  to: string;
  subject: string;
  text: string;
}

/** Queues a mail in the caller's transaction: it is sent if and only if the transaction commits. */
export function queueMail(em: EntityManager, mail: MailPayload) {
  return enqueueOutbox(em, MAIL_TOPIC, { ...mail });
}
