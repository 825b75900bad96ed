import { describe, expect, it } from 'vitest';
import { demoId, isUuid, uuidv7 } from './ids.js';

describe('uuidv7', () => {
  it('makes RFC 9562 version-7 UUIDs', () => {
    const id = uuidv7();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
  });

  it('orders ids made in the same millisecond by creation', () => {
    const now = Date.now() + 10_000;
    const ids = Array.from({ length: 5_000 }, () => uuidv7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('orders ids across milliseconds and stays ordered if the clock steps back', () => {
    const first = uuidv7(Date.now() + 20_000);
    const second = uuidv7(Date.now() + 20_001);
    const afterStepBack = uuidv7(Date.now() - 60_000);
    expect(first < second && second < afterStepBack).toBe(true);
  });
});

describe('demoId', () => {
  it('is deterministic, distinct per name and a valid UUID', () => {
    expect(demoId('member:alice')).toBe(demoId('member:alice'));
    expect(demoId('member:alice')).not.toBe(demoId('member:bob'));
    expect(isUuid(demoId('member:alice'))).toBe(true);
  });
});

describe('isUuid', () => {
  it.each(['', 'abc', '42; drop table x', '0190a000-0000-7000-8000-00000000000', '0190a000-0000-7000-8000-00000000000g'])(
    'rejects %j',
    (value) => expect(isUuid(value)).toBe(false),
  );
});
