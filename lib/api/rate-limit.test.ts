import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('lets a key burst up to its limit, then refuses with how long to wait, then refills', () => {
    const limiter = new RateLimiter();
    const t0 = 1_000_000;
    const results = Array.from({ length: 6 }, () => limiter.take(1, 5, t0));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false]);
    // Five a minute: one token every 12 seconds.
    expect(results[5]).toEqual({ ok: false, retryAfterSeconds: 12 });
    expect(limiter.take(1, 5, t0 + 11_000).ok).toBe(false);
    expect(limiter.take(1, 5, t0 + 12_000).ok).toBe(true);
    expect(limiter.take(1, 5, t0 + 12_001).ok).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter();
    expect(limiter.take(1, 1, 0).ok).toBe(true);
    expect(limiter.take(1, 1, 0).ok).toBe(false);
    expect(limiter.take(2, 1, 0).ok).toBe(true);
  });
});
