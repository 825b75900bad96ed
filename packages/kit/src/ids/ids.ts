import { createHash, randomBytes } from 'node:crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID in canonical form: IDs from clients are checked before they reach SQL. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Random bytes drawn in blocks: one call per id was a measurable share of the claim path's CPU. */
const RANDOM_BLOCK = 4096;
let randomPool = randomBytes(RANDOM_BLOCK);
let randomOffset = 0;
function random16(): Buffer {
  if (randomOffset + 16 > RANDOM_BLOCK) {
    randomPool = randomBytes(RANDOM_BLOCK);
    randomOffset = 0;
  }
  randomOffset += 16;
  // A copy: the caller writes the timestamp into it.
  return Buffer.from(randomPool.subarray(randomOffset - 16, randomOffset));
}

let lastMillis = 0;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): time-ordered, so primary keys append to B-tree indexes and IDs double as a stable
 * creation order for cursor pagination. A 12-bit counter keeps IDs made in the same millisecond ordered.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMillis) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMillis += 1;
    now = lastMillis;
  } else {
    lastMillis = now;
    sequence = -1;
  }
  const bytes = random16();
  // A new millisecond starts its counter at a random value below 1024 (the bytes are overwritten below).
  if (sequence === -1) sequence = bytes.readUInt16BE(6) & 0x3ff;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return formatUuid(bytes);
}

/**
 * A deterministic UUID (version 8, name-based on SHA-256) for demo and fixture data, so that the
 * subgraphs' separate seeds refer to each other's rows without sharing tables.
 */
export function demoId(name: string): string {
  const bytes = createHash('sha256').update(`commerce-demo:${name}`).digest().subarray(0, 16);
  bytes[6] = 0x80 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return formatUuid(bytes);
}
