import 'server-only';
import { cache } from 'react';
import { redirect } from 'next/navigation';
import { DalError } from '@/lib/dal/errors';
import { loadPrincipal, type Principal } from '@/lib/dal/principal';
import { noteActor } from '@/lib/log/request-context';
import { currentSessionUser } from './session';

/**
 * The session → principal step, once per request: the cookie names a user, the database says
 * whether he is still active and on the same session version, and what he may do now.
 */
export const getPrincipal = cache(async (): Promise<Principal | null> => {
  const session = await currentSessionUser();
  if (!session) return null;
  const principal = loadPrincipal(session.userId, session.sessionVersion, 'ui');
  if (principal) noteActor(principal.userId);
  return principal;
});

/** For server actions: a signed-out or deactivated caller is refused before anything else. */
export async function requirePrincipal(): Promise<Principal> {
  const principal = await getPrincipal();
  if (!principal) throw new DalError('unauthenticated', 'Your session has ended; sign in again.');
  return principal;
}

/** For pages: a signed-out or deactivated visitor goes to sign-in. */
export async function pagePrincipal(): Promise<Principal> {
  const principal = await getPrincipal();
  if (!principal) redirect('/login');
  return principal;
}
