'use server';

import { signOut } from '@/lib/auth';
import { currentSessionUser } from '@/lib/auth/session';
import { endSession } from '@/lib/dal/sessions';

/** Signing out ends the session on the server first: the old cookie, replayed, opens nothing. */
export async function signOutAction(): Promise<void> {
  const session = await currentSessionUser();
  if (session?.sessionId) endSession(session.sessionId);
  await signOut({ redirectTo: '/login' });
}
