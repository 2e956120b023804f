import { z } from 'zod';

export const setAccountFeatureInput = z.strictObject({
  key: z.string().min(1, 'Feature is required').max(100, 'Feature is too long'),
  enabled: z.boolean({ error: 'Enabled must be true or false' }),
  rowVersion: z.number({ error: 'Version is required' }).int().min(0),
});
