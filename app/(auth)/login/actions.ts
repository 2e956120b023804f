'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { signIn } from '@/lib/auth';
import { fieldErrorsOf } from '@/lib/dal/errors';
import { signInInput } from '@/lib/schemas/sign-in';

export interface SignInState {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  loginName?: string;
}

/** Only a path inside the console: never an open redirect to another site. */
function safeNext(value: FormDataEntryValue | null): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && value.length < 500 ? value : '/';
}

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  // The form sends FormData; anything else is a crafted call and gets the same plain refusal.
  if (!(formData instanceof FormData)) return { error: 'Enter your login name and password.' };
  const raw = { loginName: formData.get('loginName'), password: formData.get('password') };
  const parsed = signInInput.safeParse(raw);
  const loginName = typeof raw.loginName === 'string' ? raw.loginName.slice(0, 200) : '';
  if (!parsed.success) {
    return { error: 'Check the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error), loginName };
  }
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: safeNext(formData.get('next')) });
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code === 'locked') {
      return { error: 'Too many failed sign-ins for this login name. Wait a few minutes, then try again.', loginName };
    }
    if (error instanceof AuthError) return { error: 'Wrong login name or password.', loginName };
    throw error; // the redirect after a successful sign-in
  }
  return {};
}
