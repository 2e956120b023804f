/**
 * A token bucket per API key: `perMinute` calls a minute, refilled continuously, so a key may
 * burst up to its limit and then gets one call every 60/perMinute seconds. In memory: one server
 * process answers the API, and a restart forgetting the buckets only ever lets a key through.
 */
export class RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  take(keyId: number, perMinute: number, now = Date.now()): { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number } {
    const perMs = perMinute / 60_000;
    const bucket = this.buckets.get(keyId) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true, remaining: Math.floor(bucket.tokens) };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
  }
}

const globalForLimiter = globalThis as unknown as { switchboardRateLimiter?: RateLimiter };
export const apiRateLimiter = (globalForLimiter.switchboardRateLimiter ??= new RateLimiter());
