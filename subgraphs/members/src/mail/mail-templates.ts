import type { MailPayload } from './mail.outbox.js';

const link = (base: string, path: string, token: string) => `${new URL(path, base).toString()}?token=${encodeURIComponent(token)}`;

export function verificationMail(to: string, name: string, token: string, webUrl: string): MailPayload {
  return {
    to,
    subject: 'Confirm your email address',
    text: `Hello ${name},\n\nconfirm your email address by opening this link:\n\n${link(webUrl, '/verify-email', token)}\n\nIf you did not sign up, ignore this mail.\n`,
  };
}

export function passwordResetMail(to: string, name: string, token: string, webUrl: string): MailPayload {
  return {
    to,
    subject: 'Reset your password',
    text: `Hello ${name},\n\nchoose a new password here (the link works once, for a limited time):\n\n${link(webUrl, '/reset-password', token)}\n\nIf you did not ask for this, ignore this mail; your password stays as it is.\n`,
  };
}
