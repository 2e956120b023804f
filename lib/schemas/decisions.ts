import { z } from 'zod';

export const MAX_QUESTIONS = 1000;

/** "May this user do this, in this channel?", up to a thousand at a time. */
export const authorizeInput = z.strictObject({
  questions: z
    .array(
      z.strictObject({
        user: z.number({ error: 'User must be a user id' }).int('User must be a user id').positive('User must be a user id').describe('User id.'),
        permission: z
          .string({ error: 'Permission is required' })
          .min(1, 'Permission is required')
          .max(200, 'Unknown permission')
          .describe(
            'A permission key of the catalog; or, with `channel`, a channel level (`view`, `manage-conversations`, `manage-settings`) to ask whether the user has at least that level there.',
          ),
        channel: z
          .string({ error: 'Channel must be a channel key' })
          .min(1, 'Channel must be a channel key')
          .max(100, 'Unknown channel')
          .optional()
          .describe('A channel key: the permission must also hold there (at least "View only").'),
      }),
      { error: 'Questions must be a list' },
    )
    .min(1, 'Ask at least one question')
    .max(MAX_QUESTIONS, `At most ${MAX_QUESTIONS} questions a request`),
});

export { DECISION_REASONS, type Decision, type DecisionReason } from '@/lib/permissions/decision-index';
