import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { verifyCredentials } from '@/lib/dal/sign-in';

declare module 'next-auth' {
  interface Session {
    uid?: number;
    sv?: number;
  }
  interface User {
    sessionVersion?: number;
  }
}

/** Too many failures for this login name: the sign-in form says so without naming the cause. */
export class LockedSignIn extends CredentialsSignin {
  code = 'locked';
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
  pages: { signIn: '/login' },
  providers: [
    Credentials({
      credentials: { loginName: { label: 'Login name' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        let result;
        try {
          result = await verifyCredentials(credentials);
        } catch {
          return null; // malformed input signs nobody in
        }
        if (!result.ok) {
          if (result.reason === 'locked') throw new LockedSignIn();
          return null;
        }
        return { id: String(result.userId), sessionVersion: result.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = Number(user.id);
        token.sv = user.sessionVersion;
      }
      return token;
    },
    session({ session, token }) {
      // Only the id and session version travel in the cookie; everything else is read fresh.
      session.uid = typeof token.uid === 'number' ? token.uid : undefined;
      session.sv = typeof token.sv === 'number' ? token.sv : undefined;
      return session;
    },
  },
});
