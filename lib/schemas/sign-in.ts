import { z } from 'zod';

/** Looser than a new user's rules: a login name or password set before them still signs in. */
export const signInInput = z.object({
  loginName: z.string({ error: 'Login name is required' }).trim().min(1, 'Login name is required').max(200, 'Login name is too long (at most 200 characters)'),
  password: z.string({ error: 'Password is required' }).min(1, 'Password is required').max(1000, 'Password is too long (at most 1000 characters)'),
});
