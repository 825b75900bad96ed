import { OutboxMessage } from '@commerce/kit';
import { createTestEnvironment, eventually, type TestEnvironment } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { freePort, MailCatcher } from '@commerce/testkit';
import { signUp, TEST_SETTINGS, uniqueEmail } from './members-harness.js';

let env: TestEnvironment;
let mail: MailCatcher;

beforeAll(async () => {
  env = await createTestEnvironment('mail');
  // SMTP starts down: connections to its port are cut until the test starts it.
  mail = await new MailCatcher(await freePort()).startDown();
});
afterAll(async () => {
  await mail?.stop();
  await env?.dispose();
});

const boot = (port = 0) =>
  createApp({ ...env.config, ...TEST_SETTINGS, SMTP_URL: mail.url }).then(async (app) => ({ app, url: await app.listen(port) }));

async function pending(app: Awaited<ReturnType<typeof boot>>['app']) {
  return app.orm.em.fork().find(OutboxMessage, { deliveredAt: null });
}

describe('verification mail through the outbox', () => {
  it('is retried while SMTP is down, survives a restart, and arrives exactly once per outbox row', async () => {
    // SMTP is down: the mail is queued with the member and attempted, failing, with backoff.
    const first = await boot();
    const emails = [uniqueEmail('down'), uniqueEmail('down'), uniqueEmail('down')];
    for (const email of emails) expect((await signUp(first.url, email)).__typename).toBe('Member');
    // Each row is attempted in its own time (a sign-up may land after the relay's batch): wait for all three.
    await eventually(async () => {
      const failing = await pending(first.app);
      expect(failing).toHaveLength(3);
      for (const row of failing) {
        expect(row.attempts).toBeGreaterThanOrEqual(1);
        expect(row.lastError).toBeTruthy();
      }
    }, 10_000);

    // The process stops with the mail still pending; two replicas come up, and only then SMTP.
    await first.app.close();
    const replicaA = await boot();
    const replicaB = await boot();
    await mail.start();
    await eventually(async () => expect(await pending(replicaA.app)).toHaveLength(0), 10_000);
    // Give any duplicate a chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    for (const email of emails) expect(mail.to(email)).toHaveLength(1);
    expect(mail.messages).toHaveLength(3);
    const rows = await replicaA.app.orm.em.fork().find(OutboxMessage, {});
    expect(rows.every((row) => row.deliveredAt !== null)).toBe(true);
    expect(new Set(mail.messages.map((message) => message.messageId))).toEqual(
      new Set(rows.map((row) => `<${row.id}@members.commerce>`)),
    );
    await Promise.all([replicaA.app.close(), replicaB.app.close()]);
  });
});
