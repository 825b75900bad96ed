import { describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../config.js';
import { DEFAULT_RATE_LIMITS, parseRateLimits } from './rate-limit-rules.js';

describe('parseRateLimits', () => {
  it('starts from the defaults, and `off` turns every limit off', () => {
    expect([...parseRateLimits('').keys()].sort()).toEqual(Object.keys(DEFAULT_RATE_LIMITS).sort());
    expect(parseRateLimits('off').size).toBe(0);
  });

  it('replaces one subject of one field, adds new fields, and removes a limit with 0', () => {
    const table = parseRateLimits('logIn:address=20/10m, addToCart:member=100/1h, checkout:member=0, signUp:address=0');
    expect(table.get('logIn')).toEqual([{ subject: 'address', limit: 20, windowSeconds: 600 }]);
    expect(table.get('addToCart')).toEqual([{ subject: 'member', limit: 100, windowSeconds: 3_600 }]);
    expect(table.get('checkout')).toEqual([{ subject: 'address', limit: 120, windowSeconds: 60 }]);
    expect(table.has('signUp')).toBe(false);
  });

  it('refuses entries it cannot read, naming RATE_LIMITS', () => {
    expect(() => parseRateLimits('logIn=5')).toThrow(/logIn=5/);
    expect(() => parseRateLimits('logIn:address=5')).toThrow(/window/);
    expect(() => readGatewayConfig({ RATE_LIMITS: 'logIn:anyone=1/1s' })).toThrow(/RATE_LIMITS/);
  });
});
