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
    sequence = randomBytes(2).readUInt16BE() & 0x3ff;
  }
  const bytes = randomBytes(16);
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
