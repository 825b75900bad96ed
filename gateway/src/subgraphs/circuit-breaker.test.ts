import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

/** A breaker on a clock the test moves, recording its changes of state. */
function breaker(options: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {}) {
  const clock = { now: 1_000_000 };
  const changes: CircuitState[] = [];
  const subject = new CircuitBreaker({
    consecutiveFailures: 3,
    failureRatio: 0.5,
    minCalls: 10,
    windowMs: 10_000,
    cooldownMs: 5_000,
    onChange: (state) => changes.push(state),
    now: () => clock.now,
    ...options,
  });
  return { subject, clock, changes };
}

describe('CircuitBreaker', () => {
  it('opens after consecutive failures; a success in between starts the count again', () => {
    const { subject, changes } = breaker();
    subject.failure();
    subject.failure();
    subject.success();
    subject.failure();
    subject.failure();
    expect(subject.state).toBe('closed');
    subject.failure();
    expect(subject.state).toBe('open');
    expect(subject.allow()).toBe(false);
    expect(changes).toEqual(['open']);
  });

  it('opens on the failure ratio of the window, and forgets calls older than the window', () => {
    const { subject } = breaker({ consecutiveFailures: 100 });
    for (let i = 0; i < 5; i++) {
      subject.success();
      subject.failure();
    }
    expect(subject.state).toBe('open'); // 5 of 10 failed

    const fresh = breaker({ consecutiveFailures: 100 });
    for (let i = 0; i < 6; i++) fresh.subject.success();
    fresh.clock.now += 20_000; // those successes leave the window
    for (let i = 0; i < 4; i++) {
      fresh.subject.failure();
      fresh.subject.success();
    }
    expect(fresh.subject.state).toBe('closed'); // 4 of 8: fewer calls than minCalls
  });

  it('lets one probe through after the cooldown: a failure opens it again, a success closes it', () => {
    const { subject, clock, changes } = breaker();
    for (let i = 0; i < 3; i++) subject.failure();
    clock.now += 4_999;
    expect(subject.allow()).toBe(false);
    expect(subject.retryAfterMs()).toBe(1);
    clock.now += 1;
    expect(subject.allow()).toBeTruthy();
    expect(subject.state).toBe('half-open');
    expect(subject.allow()).toBe(false); // one probe at a time
    subject.failure();
    expect(subject.state).toBe('open');
    clock.now += 5_000;
    expect(subject.allow()).toBeTruthy();
    subject.success();
    expect(subject.state).toBe('closed');
    expect(subject.allow()).toBeTruthy();
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('lets only the probe decide in half-open: calls let through before the circuit opened change nothing', () => {
    const { subject, clock } = breaker();
    const early = [subject.allow(), subject.allow()];
    const late = subject.allow();
    for (let i = 0; i < 3; i++) subject.failure(subject.allow() || undefined);
    expect(subject.state).toBe('open');
    clock.now += 5_000;
    const probe = subject.allow();
    expect(probe).toMatchObject({ probe: true });
    subject.success(early[0] || undefined); // a slow call from before the outage answers at last
    expect(subject.state).toBe('half-open');
    subject.failure(early[1] || undefined);
    expect(subject.state).toBe('half-open');
    subject.failure(probe || undefined);
    expect(subject.state).toBe('open');
    clock.now += 5_000;
    subject.success(subject.allow() || undefined);
    expect(subject.state).toBe('closed');
    // A failure of a call from before the circuit closed does not count toward opening it again.
    subject.failure(late || undefined);
    subject.failure(subject.allow() || undefined);
    subject.failure(subject.allow() || undefined);
    expect(subject.state).toBe('closed');
  });

  it('never opens with consecutiveFailures 0', () => {
    const { subject } = breaker({ consecutiveFailures: 0 });
    for (let i = 0; i < 50; i++) subject.failure();
    expect(subject.state).toBe('closed');
  });
});
