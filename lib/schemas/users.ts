import { z } from 'zod';

/** Text a person types into a filter: trimmed, bounded, never control characters. */
const filterText = (label: string, max: number) =>
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
