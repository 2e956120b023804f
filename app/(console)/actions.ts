'use server';

import { signOut } from '@/lib/auth';
import { currentSessionUser } from '@/lib/auth/session';
import { redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { endSession, signOutEverywhere } from '@/lib/dal/sessions';

/** Signing out ends the session on the server first: the old cookie, replayed, opens nothing. */
export async function signOutAction(): Promise<void> {
  const session = await currentSessionUser();
  if (session?.sessionId) endSession(session.sessionId);
  await signOut({ redirectTo: '/login' });
}

/** Every session of his ends, on every device (a lost laptop, a shared browser), then this one signs out. */
export async function signOutEverywhereAction(): Promise<void> {
  const ctx = await getPrincipal();
  // Signed out already (an ended or missing session): nothing to end; to sign-in, not an error.
  if (!ctx) redirect('/login');
  signOutEverywhere({ ctx, input: { id: ctx.userId } });
  await signOut({ redirectTo: '/login' });
}
