import { randomBytes, scrypt as scryptCallback, type ScryptOptions, timingSafeEqual } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/** Node refuses scrypt above 32 MiB unless told; allow the cost's need (128·N·r bytes) with headroom. */
const optionsFor = (logN: number): ScryptOptions => ({ N: 2 ** logN, r: R, p: P, maxmem: 256 * 2 ** logN * R });

/**
 * scrypt, a memory-hard hash, run on libuv's thread pool (async) so hashing never blocks the event loop.
 * Stored as `scrypt$logN$r$p$salt$hash`, so a later cost change still verifies old hashes and `needsRehash`
 * upgrades them at the next login.
 */
export class PasswordHasher {
  constructor(private readonly logN: number) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scrypt(password, salt, KEY_LENGTH, optionsFor(this.logN));
    return ['scrypt', this.logN, R, P, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string | null): Promise<boolean> {
    const parts = stored?.split('$') ?? [];
    if (parts.length !== 6 || parts[0] !== 'scrypt') {
      // Spend the same time as a real check, so a missing account cannot be told apart by timing.
      await this.hash(password);
      return false;
    }
    const [, logN, r, p, salt, expected] = parts as [string, string, string, string, string, string];
    const expectedKey = Buffer.from(expected, 'base64');
    const options = { ...optionsFor(Number(logN)), r: Number(r), p: Number(p) };
    const key = await scrypt(password, Buffer.from(salt, 'base64'), expectedKey.length, options);
    return timingSafeEqual(key, expectedKey);
  }

  needsRehash(stored: string | null): boolean {
    return !stored?.startsWith(`scrypt$${this.logN}$${R}$${P}$`);
  }
}
