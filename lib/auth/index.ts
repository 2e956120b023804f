import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { cookies } from 'next/headers';
import { logger } from '@/lib/log/logger';
import { endSession, openSession, sessionIsOpen } from '@/lib/dal/sessions';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_S, verifyCredentials } from '@/lib/dal/sign-in';

declare module 'next-auth' {
  interface Session {
    uid?: number;
    sv?: number;
    sid?: string;
  }
  interface User {
    sessionVersion?: number;
  }
}

function deviceFrom(request: Request): string | null {
  const cookie = request.headers.get('cookie') ?? '';
  const found = cookie.split(/;\s*/).find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
  return found ? decodeURIComponent(found.slice(DEVICE_COOKIE.length + 1)) : null;
}

/** Too many failures for this login name: the sign-in form says so without naming the cause. */
export class LockedSignIn extends CredentialsSignin {
  code = 'locked';
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  // Auth.js's own messages go to the JSON log; a refused sign-in is an everyday event, not an error with a stack.
  logger: {
    error(error) {
      if (error instanceof CredentialsSignin || error.name === 'CredentialsSignin') logger.info({ event: 'sign-in-refused' }, 'sign-in refused');
      else logger.error({ err: error }, 'auth error');
    },
    warn(code) {
      logger.warn({ code }, 'auth warning');
    },
    debug() {},
  },
  session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
  // Auth.js's own error page would answer a crafted ?error=Configuration with a 500: the sign-in page says it instead.
  pages: { signIn: '/login', error: '/login' },
  events: {
    // Auth.js's own sign-out route (POST /api/auth/signout) ends the server session too, not only the cookie.
    signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid === 'string') endSession(sid);
    },
  },
  providers: [
    Credentials({
      credentials: { loginName: { label: 'Login name' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, request) {
        const jar = await cookies();
        let result;
        try {
          result = await verifyCredentials(credentials, Date.now(), jar.get(DEVICE_COOKIE)?.value ?? deviceFrom(request));
        } catch {
          return null; // malformed input signs nobody in
        }
        if (!result.ok) {
          if (result.reason === 'locked') throw new LockedSignIn();
          return null;
        }
        // This browser is now known for this login name: a lock others cause by guessing it does not stop him here.
        jar.set(DEVICE_COOKIE, result.device, {
          httpOnly: true,
          sameSite: 'lax',
          secure: new URL(request.url).protocol === 'https:',
          path: '/',
          maxAge: DEVICE_COOKIE_MAX_AGE_S,
        });
        return { id: String(result.userId), sessionVersion: result.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // A session ended on the server (signed out, or too old) is not renewed: the cookie goes with it.
      if (!user && typeof token.sid === 'string' && typeof token.uid === 'number' && !sessionIsOpen(token.sid, token.uid)) return null;
      if (user) {
        token.uid = Number(user.id);
        token.sv = user.sessionVersion;
        // The server's record of this sign-in: signing out ends it, whatever the cookie says.
        token.sid = openSession(Number(user.id));
      }
      return token;
    },
    session({ session, token }) {
      // Only the id and session version travel in the cookie; everything else is read fresh.
      session.uid = typeof token.uid === 'number' ? token.uid : undefined;
      session.sv = typeof token.sv === 'number' ? token.sv : undefined;
      session.sid = typeof token.sid === 'string' ? token.sid : undefined;
      return session;
    },
  },
});
