import { z } from 'zod';
import { filterText } from './users';

/** A GET form sends "" for a field left empty: that is no filter. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?Z?$/;

/**
 * A moment in UTC from a form or a URL: a date (YYYY-MM-DD) or a date and time. A date alone as
 * the end of a range means the end of that day.
 */
const utcMoment = (label: string, endOfDay = false) =>
  z
    .string({ error: `${label} must be a date` })
    .trim()
    .max(40, `${label} is too long`)
    .regex(DATE, `${label} must be a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM), in UTC`)
    .transform((s, ctx) => {
      const [, day, time] = DATE.exec(s)!;
      const ms = Date.parse(`${day}T${time ?? '00:00'}Z`);
      // Date.parse rolls 2024-02-30 over into March: a real date reads back the same.
      if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
        ctx.addIssue({ code: 'custom', message: `${label} is not a real date` });
        return z.NEVER;
      }
      return !time && endOfDay ? ms + 86_400_000 - 1 : ms;
    });

const cursor = z.coerce.number({ error: 'Page cursor must be a number' }).int('Page cursor must be a whole number').positive('Page cursor must be positive');

export const auditFilterFields = {
  actor: optional(filterText('Actor', 200)),
  entityType: optional(filterText('Entity type', 50)),
  action: optional(filterText('Action', 50)),
  from: optional(utcMoment('From')),
  to: optional(utcMoment('To', true)),
  q: optional(filterText('Search', 200)),
};

const inOrder = (q: { from?: number; to?: number }) => q.from === undefined || q.to === undefined || q.from <= q.to;
const orderIssue = { message: 'To must not be before From', path: ['to'] };

/** The audit trail's filters and one keyset page (newest first; `before` is an event id). */
export const listAuditInput = z
  .object({
    ...auditFilterFields,
    before: optional(cursor),
    pageSize: optional(z.coerce.number().int().min(5, 'Page size must be at least 5').max(200, 'Page size must be at most 200')),
  })
  .refine(inOrder, orderIssue);

/** The same filters for the CSV export (every page of them). */
export const exportAuditInput = z.object(auditFilterFields).refine(inOrder, orderIssue);

/** The security log: one keyset page. */
export const deniedPageInput = z.object({
  before: optional(cursor),
  pageSize: z.coerce.number().int().min(5, 'Page size must be at least 5').max(200, 'Page size must be at most 200').default(50),
});

/** "As of": one user at one past moment. */
export const asOfInput = z.object({
  user: z.string({ error: 'User is required' }).trim().min(1, 'User is required').max(200, 'User is too long'),
  at: z.preprocess((v) => (v === '' ? undefined : v), utcMoment('Date and time')),
});
