'use server';

import { signOut } from '@/lib/auth';
import { currentSessionUser } from '@/lib/auth/session';
import { requirePrincipal } from '@/lib/auth/principal';
import { endSession, signOutEverywhere } from '@/lib/dal/sessions';

/** Signing out ends the session on the server first: the old cookie, replayed, opens nothing. */
export async function signOutAction(): Promise<void> {
  const session = await currentSessionUser();
  if (session?.sessionId) endSession(session.sessionId);
  await signOut({ redirectTo: '/login' });
}

/** Every session of his ends, on every device (a lost laptop, a shared browser), then this one signs out. */
export async function signOutEverywhereAction(): Promise<void> {
  const ctx = await requirePrincipal();
  signOutEverywhere({ ctx, input: { id: ctx.userId } });
  await signOut({ redirectTo: '/login' });
}
