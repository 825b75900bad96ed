export const MIN_PASSWORD_LENGTH = 10;
/** scrypt takes any length, but an unbounded one is a cheap way to make the server work hard. */
export const MAX_PASSWORD_LENGTH = 128;

/** The most used passwords that are long enough to pass the length rule; they fall to the first guesses. */
const COMMON = new Set([
  '1234567890', '0123456789', '1q2w3e4r5t', 'qwertyuiop', 'password12', 'password123', 'password1234',
  'iloveyou12', 'qwerty1234', '1qaz2wsx3edc', 'abcdefghij', 'abc1234567', 'aaaaaaaaaa', '1111111111',
  'passw0rd12', 'letmein123', 'welcome123', 'football12', 'q1w2e3r4t5', 'asdfghjkl1',
]);

/**
 * Why a password is refused, or null when it is acceptable. Length over composition rules (NIST 800-63B):
 * at least 10 characters, not a well-known password, not one repeated character, not the email or name.
 */
export function passwordProblem(password: string, personal: { email: string; name?: string }): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || new Set(lower).size <= 2) return 'This password is too common.';
  const local = personal.email.split('@')[0]?.toLowerCase() ?? '';
  const name = personal.name?.toLowerCase().replace(/\s+/g, '') ?? '';
  if ((local.length >= 4 && lower.includes(local)) || (name.length >= 4 && lower.includes(name))) {
    return 'Do not use your email or name in the password.';
  }
  return null;
}

/** A deliberately simple check: one @, a dotted domain, no spaces; the verification mail proves the rest. */
export function normalizeEmail(email: string): string | null {
  const trimmed = email.trim().toLowerCase();
  if (trimmed.length > 254) return null;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed) ? trimmed : null;
}
