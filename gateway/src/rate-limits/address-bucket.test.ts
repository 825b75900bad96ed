import { describe, expect, it } from 'vitest';
import { addressBucket } from './address-bucket.js';

describe('addressBucket', () => {
  it('counts IPv6 addresses per /64, however they are written', () => {
    const bucket = addressBucket('2001:db8:abcd:12:1:2:3:4');
    expect(bucket).toBe('2001:db8:abcd:12::/64');
    expect(addressBucket('2001:0db8:abcd:0012:ffff:ffff:ffff:ffff')).toBe(bucket);
    expect(addressBucket('2001:db8:abcd:12::9')).toBe(bucket);
    expect(addressBucket('2001:db8:abcd:13::9')).not.toBe(bucket);
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });

  it('keeps IPv4 addresses whole, also when a dual-stack socket reports them IPv4-mapped', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('unknown')).toBe('unknown');
  });
});
