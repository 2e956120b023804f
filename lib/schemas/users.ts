import { z } from 'zod';
import { optionalExpiry, requiredName } from './fields';

/** Text a person types into a filter: trimmed, bounded, never control characters. */
export const filterText = (label: string, max: number) =>
  z
    .string()
    .max(max, `${label} is too long (at most ${max} characters)`)
    .transform((s) => s.trim())
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${label} contains control characters`);

const optionalId = (label: string) =>
  z.preprocess(
    (v) => (v === '' || v === undefined || v === null ? undefined : v),
    z.coerce
      .number({ error: `${label} must be a number` })
      .int(`${label} must be a whole number`)
      .positive(`${label} must be positive`)
      .optional(),
  );

export const USER_SORTS = ['name', 'loginName', 'email', 'status'] as const;

export const listUsersInput = z.object({
  q: filterText('Search', 200).optional(),
  role: z.preprocess((v) => (v === '' ? undefined : v), filterText('Role', 100).optional()),
  profile: optionalId('Profile'),
  group: optionalId('Group'),
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['active', 'deactivated'], { error: 'Status must be active or deactivated' }).optional()),
  sort: z.preprocess((v) => (v === '' ? undefined : v), z.enum(USER_SORTS, { error: `Sort must be one of ${USER_SORTS.join(', ')}` }).default('name')),
  dir: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['asc', 'desc'], { error: 'Direction must be asc or desc' }).default('asc')),
  after: z.string().max(500, 'Page cursor is too long').optional(),
  before: z.string().max(500, 'Page cursor is too long').optional(),
  pageSize: z.coerce.number().int().min(5, 'Page size must be at least 5').max(100, 'Page size must be at most 100').default(20),
});

export type ListUsersInput = z.input<typeof listUsersInput>;

const id = (label: string) =>
  z.coerce
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .positive(`${label} is required`);
const optionalGroup = z.preprocess((v) => (v === '' || v === undefined ? null : v), id('Group').nullable());

export const loginNameSchema = z
  .string({ error: 'Login name is required' })
  .trim()
  .min(1, 'Login name is required')
  .max(100, 'Login name is too long (at most 100 characters)')
  .regex(/^[A-Za-z0-9._@-]+$/, 'Login name may contain letters, digits and . _ @ - only');
export const passwordSchema = z
  .string({ error: 'Password is required' })
  .min(8, 'Password must be at least 8 characters')
  .max(200, 'Password is too long (at most 200 characters)');
const skillName = z.string().trim().min(1, 'A skill name is empty').max(100, 'A skill name is too long (at most 100 characters)');
/** Without its default: the API leaves out what it does not change. */
export const userSkills = z.array(skillName, { error: 'Skills must be a list' }).max(100, 'Too many skills');

const userFields = {
  email: z.string({ error: 'Email is required' }).trim().max(254, 'Email is too long').pipe(z.email('Email is not a valid address')),
  name: requiredName(200),
  nickname: z.string({ error: 'Nickname is required' }).trim().min(1, 'Nickname is required').max(100, 'Nickname is too long (at most 100 characters)'),
  groupId: optionalGroup,
  managedGroupIds: z.array(id('Managed group'), { error: 'Managed groups must be a list' }).max(100, 'Too many managed groups').default([]),
  maxChats: z.preprocess(
    (v) => (v === '' || v === undefined ? null : v),
    z.coerce
      .number({ error: 'Max chats must be a number' })
      .int('Max chats must be a positive whole number')
      .positive('Max chats must be a positive whole number')
      .max(1000, 'Max chats is at most 1000')
      .nullable(),
  ),
  skills: userSkills.default([]),
};

export const createUserInput = z.strictObject({
  loginName: loginNameSchema,
  password: passwordSchema,
  profileIds: z.array(id('Profile'), { error: 'Profiles must be a list' }).max(4, 'A user holds at most four profiles, one per role').default([]),
  ...userFields,
});

export const updateUserInput = z.strictObject({
  id: id('User'),
  rowVersion: z.number({ error: 'Version is required' }).int().min(1),
  loginName: loginNameSchema,
  password: z.preprocess((v) => (v === '' ? undefined : v), passwordSchema.optional()),
  ...userFields,
});

export const userStatusInput = z.strictObject({
  id: id('User'),
  rowVersion: z.number({ error: 'Version is required' }).int().min(1),
  status: z.enum(['active', 'deactivated'], { error: 'Status must be active or deactivated' }),
});

/** A user id with a message for each way it can be wrong (the access page and profile assignment). */
const userId = z.coerce.number({ error: 'User is required' }).int('User must be a whole number').positive('User is required');
/** A user id whose only message of its own is "User is required" (the one-field changes). */
const userRef = z.coerce.number().int().positive('User is required');

export const userIdInput = z.strictObject({ id: userId });

export const assignProfileInput = z.strictObject({
  userId,
  profileId: z.coerce.number({ error: 'Profile is required' }).int().positive('Profile is required'),
});

export const unassignProfileInput = z.strictObject({ userId, roleKey: z.string().min(1, 'Role is required').max(100, 'Role is too long') });

export const userDetailsInput = z.object({ id: userRef });

export const deleteUserInput = z.strictObject({ id: userRef, rowVersion: z.number().int().min(1) });

export const moveUserInput = z.strictObject({ userId: userRef, groupId: z.coerce.number().int().positive('Group is required') });

export const addSkillToUserInput = z.strictObject({
  userId: userRef,
  skill: z.string().trim().min(1, 'Skill is required').max(100, 'Skill is too long'),
});

export const BULK_LIMIT = 500;

export const bulkUsersInput = z.strictObject({
  userIds: z
    .array(z.coerce.number().int().positive(), { error: 'Select users first' })
    .min(1, 'Select users first')
    .max(BULK_LIMIT, `At most ${BULK_LIMIT} users at once`),
  action: z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('assign-profile'), profileId: z.coerce.number().int().positive('Choose a profile') }),
      z.strictObject({ kind: z.literal('move-group'), groupId: z.coerce.number().int().positive('Choose a group') }),
      z.strictObject({ kind: z.literal('add-skill'), skill: z.string().trim().min(1, 'Choose a skill').max(100, 'Skill is too long') }),
      z.strictObject({ kind: z.literal('deactivate') }),
    ],
    { error: 'Choose an action' },
  ),
});

export const listOverridesInput = z.object({ userId: userRef });

export const addOverrideInput = z.strictObject({
  userId: id('User'),
  permissionKey: z.string({ error: 'Permission is required' }).min(1, 'Permission is required').max(200, 'Unknown permission'),
  /** grant or revoke one permission, or set one channel's level (permissionKey is then the channel). */
  effect: z.enum(['grant', 'revoke', 'level'], { error: 'Effect must be grant, revoke or level' }),
  level: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .enum(['none', 'view', 'manage-conversations', 'manage-settings'], { error: 'Level must be none, view, manage-conversations or manage-settings' })
      .optional(),
  ),
  reason: z.string({ error: 'Reason is required' }).trim().min(1, 'Reason is required').max(500, 'Reason is too long (at most 500 characters)'),
  expiresAt: optionalExpiry,
});

export const removeOverrideInput = z.strictObject({ id: z.coerce.number().int().positive('Override is required') });

/**
 * The users CSV: what "Export CSV" writes and "Import users" reads, so an export re-imports. Roles
 * and Status are the export's and ignored by an import (the roles come from the profiles, and
 * imported users are active); several profiles or skills share a cell, separated by semicolons.
 * An import may add a Password column, which an export never writes.
 */
export const USER_CSV_COLUMNS = ['Login name', 'Name', 'Email', 'Nickname', 'Profiles', 'Roles', 'Group', 'Skills', 'Max chats', 'Status'] as const;
export const USER_IMPORT_COLUMNS = [...USER_CSV_COLUMNS, 'Password'] as const;
export type UserImportColumn = (typeof USER_IMPORT_COLUMNS)[number];
export const USER_CSV_REQUIRED: readonly UserImportColumn[] = ['Login name', 'Name', 'Email', 'Nickname'];
export const USER_CSV_IGNORED: readonly UserImportColumn[] = ['Roles', 'Status'];
export const CSV_LIST_SEPARATOR = ';';

export const MAX_IMPORT_ROWS = 10_000;
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;
/** Each password is hashed (argon2id, about 25 ms of a core): more than this would keep the request waiting too long. */
export const MAX_IMPORT_PASSWORDS = 500;

export const importUsersInput = z.strictObject({
  csv: z
    .string({ error: 'Choose a CSV file' })
    .min(1, 'The file is empty: it needs a header line and one line per user')
    .refine(
      (s) => s.length * 3 <= MAX_IMPORT_BYTES || new TextEncoder().encode(s).length <= MAX_IMPORT_BYTES,
      `The file is too large (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB)`,
    ),
  preview: z.boolean({ error: 'Say whether this is a preview' }),
});
