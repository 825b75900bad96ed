import { describe, expect, it } from 'vitest';
import { createEventQueue } from './event-queue.js';

describe('createEventQueue', () => {
  it('delivers in order to a reader that keeps up', async () => {
    const queue = createEventQueue<number>(10, () => {});
    queue.push(1);
    queue.push(2);
    expect(await queue.iterator.next()).toEqual({ value: 1, done: false });
    expect(await queue.iterator.next()).toEqual({ value: 2, done: false });
  });

  it('holds at most its bound for a reader that stops, dropping the oldest and keeping the newest', async () => {
    const queue = createEventQueue<number>(3, () => {});
    for (let i = 1; i <= 10_000; i++) queue.push(i);
    expect(queue.size).toBe(3);
    const read = [];
    for (let i = 0; i < 3; i++) read.push((await queue.iterator.next()).value);
    expect(read).toEqual([9_998, 9_999, 10_000]);
  });

  it('wakes a waiting reader, and tells its owner once when the reader leaves', async () => {
    let left = 0;
    const queue = createEventQueue<string>(5, () => left++);
    const pending = queue.iterator.next();
    queue.push('x');
    expect(await pending).toEqual({ value: 'x', done: false });
    await queue.iterator.return!();
    await queue.iterator.return!();
    expect(left).toBe(1);
    queue.push('ignored');
    expect(await queue.iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a waiting reader with the error that ended the stream', async () => {
    const queue = createEventQueue<string>(5, () => {});
    const pending = queue.iterator.next();
    queue.end(new Error('upstream gone'));
    await expect(pending).rejects.toThrow('upstream gone');
  });
});
