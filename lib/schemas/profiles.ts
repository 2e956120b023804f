import { z } from 'zod';
import { permissionKeys, requiredName } from './fields';

const id = (label: string) =>
  z.coerce
    .number({ error: `${label} is required` })
    .int(`${label} must be a whole number`)
    .positive(`${label} is required`);

export const profileName = requiredName(200);

/** Description and note without their defaults: the API leaves out what it does not change. */
export const profileDescription = z.string({ error: 'Description must be text' }).trim().max(2000, 'Description is too long (at most 2000 characters)');
export const profileNote = z.string({ error: 'Note must be text' }).trim().max(500, 'Note is too long (at most 500 characters)');
const description = profileDescription.default('');
const note = profileNote.default('');

/** Channel levels a version sets, by channel key; a sub-channel left out follows its main channel. */
export const channelLevels = z.record(
  z.string().max(100, 'Unknown channel'),
  z.enum(['none', 'view', 'manage-conversations', 'manage-settings'], { error: 'A level must be none, view, manage-conversations or manage-settings' }),
  { error: 'Channels must map channels to levels' },
);

/** "Save and apply" moves every holder to the new version; "new-users" only later assignments. */
export const saveMode = z.enum(['apply', 'new-users'], { error: 'Mode must be "apply" or "new-users"' });

export const listProfilesInput = z.object({
  role: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(100, 'Role is too long').optional()),
});

export const profileIdInput = z.strictObject({ id: id('Profile') });

export const createProfileInput = z.strictObject({
  roleKey: z.string({ error: 'Role is required' }).min(1, 'Role is required').max(100, 'Role is too long'),
  name: profileName,
  description,
  permissions: permissionKeys,
  channels: channelLevels.optional(),
  note,
});

export const saveProfileInput = z.strictObject({
  id: id('Profile'),
  rowVersion: z.number({ error: 'Version is required' }).int().min(1, 'Version is required'),
  name: profileName,
  description,
  permissions: permissionKeys,
  channels: channelLevels.optional(),
  note,
  mode: saveMode,
});

export const previewProfileInput = z.strictObject({
  id: id('Profile').optional(),
  roleKey: z.string().max(100, 'Role is too long').optional(),
  permissions: permissionKeys,
  channels: channelLevels.optional(),
  mode: saveMode,
});

export const versionedProfileInput = z.strictObject({
  id: id('Profile'),
  rowVersion: z.number({ error: 'Version is required' }).int().min(1, 'Version is required'),
});

export const rollbackProfileInput = versionedProfileInput.extend({
  version: z.number({ error: 'Version to roll back to is required' }).int().min(1, 'Version to roll back to is required'),
  mode: saveMode.default('apply'),
});

export const duplicateProfileInput = z.strictObject({ id: id('Profile'), name: profileName });

export const compareProfilesInput = z.object({ a: id('First profile'), b: id('Second profile') });

export const versionDiffInput = z.strictObject({
  id: id('Profile'),
  from: z.coerce.number().int().min(1, 'Version is required'),
  to: z.coerce.number().int().min(1, 'Version is required'),
});
