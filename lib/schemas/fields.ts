import { z } from 'zod';

/** Field rules more than one entity's inputs share, messages and all. */

/** A name a person gives something: required, trimmed, at most `max` characters. */
export const requiredName = (max: number) =>
  z.string({ error: 'Name is required' }).trim().min(1, 'Name is required').max(max, `Name is too long (at most ${max} characters)`);

/** A group or skill id from a form or the API. */
export const recordId = (label: string) =>
  z.coerce
    .number({ error: `${label} must be a number` })
    .int()
    .positive(`${label} is required`);

/** An expiry from a form or the API: none ("" from a form) is null, never expires. */
export const optionalExpiry = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.coerce.date({ error: 'Expiry must be a date' }).nullable());

/** Permission keys a profile or an API key holds; the dal checks each against the catalog. */
export const permissionKeys = z
  .array(z.string().max(200, 'Unknown permission'), { error: 'Permissions must be a list of permission keys' })
  .max(1000, 'Too many permissions');
