import 'server-only';
import { auth } from './index';

/** The signed-in user's id and session version from the session cookie, or null. */
export async function currentSessionUser(): Promise<{ userId: number; sessionVersion: number } | null> {
  const session = await auth();
  if (!session?.uid || session.sv === undefined) return null;
  return { userId: session.uid, sessionVersion: session.sv };
}
