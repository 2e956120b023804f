import { z } from 'zod';
import { requiredName } from './fields';
import { saveMode } from './profiles';

export const roleKey = z.string({ error: 'Role is required' }).min(1, 'Role is required').max(100, 'Role is too long');

const name = requiredName(200);
/** Without its default: the API leaves out what it does not change. */
export const roleDescription = z.string().trim().max(2000, 'Description is too long (at most 2000 characters)');
const defaults = z.array(z.string().max(200), { error: 'Defaults must be a list of permission keys' }).max(1000);
const rank = z.coerce.number({ error: 'Rank must be a number' }).int('Rank must be a whole number').min(1, 'Rank must be at least 1');
const rowVersion = z.number().int().min(1);

/** The role editor: a new role from `baseRoleKey`, or an existing custom role. */
export const roleEditorInput = z.object({ key: roleKey.optional(), baseRoleKey: roleKey.optional() });

export const createRoleInput = z.strictObject({ baseRoleKey: roleKey, name, description: roleDescription.default(''), rank, defaults });

export const updateRoleInput = z.strictObject({ key: roleKey, rowVersion, name, description: roleDescription.default(''), rank, defaults, mode: saveMode });

export const previewRoleInput = z.strictObject({ key: roleKey, defaults, mode: saveMode });

export const deleteRoleInput = z.strictObject({ key: roleKey, rowVersion });
