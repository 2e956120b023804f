import 'server-only';
import { sessionIsOpen } from '@/lib/dal/sessions';
import { auth } from './index';

/**
 * The signed-in user's id and session version from the session cookie, or null; null too when
 * the session it names has been ended on the server (signed out).
 */
export async function currentSessionUser(): Promise<{ userId: number; sessionVersion: number; sessionId?: string } | null> {
  const session = await auth();
  if (!session?.uid || session.sv === undefined || !session.sid) return null;
  if (!sessionIsOpen(session.sid, session.uid)) return null;
  return { userId: session.uid, sessionVersion: session.sv, sessionId: session.sid };
}
