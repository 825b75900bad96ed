/**
 * For `npm start` only: an SMTP server on localhost that prints each mail's recipient, subject and links,
 * so verification and password-reset links can be followed without a mail catcher installed.
 */
import { SMTPServer } from 'smtp-server';

export async function startDevMailCatcher(port: number): Promise<SMTPServer | null> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        const subject = text.match(/^Subject:\s*(.*)$/im)?.[1] ?? '(no subject)';
        const links = [...new Set(text.match(/https?:\/\/[^\s"<>]+/g) ?? [])];
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address).join(', ');
        console.log(`[mail] to ${to}: ${subject}${links.map((link) => `\n[mail]   ${link}`).join('')}`);
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
