import { z } from 'zod';
import { optionalExpiry, permissionKeys, requiredName } from './fields';

export const MAX_RATE_LIMIT = 100_000;

export const createApiKeyInput = z.strictObject({
  name: requiredName(100),
  userId: z.coerce.number({ error: 'User is required' }).int('User must be a whole number').positive('User is required'),
  permissions: permissionKeys.min(1, 'Choose at least one permission'),
  expiresAt: optionalExpiry,
  rateLimitPerMinute: z.coerce
    .number({ error: 'Rate limit must be a number' })
    .int('Rate limit must be a whole number')
    .min(1, 'Rate limit is at least 1 request a minute')
    .max(MAX_RATE_LIMIT, `Rate limit is at most ${MAX_RATE_LIMIT.toLocaleString('en')} requests a minute`)
    .default(600),
});

export const revokeApiKeyInput = z.strictObject({ id: z.coerce.number({ error: 'Key is required' }).int().positive('Key is required') });
