'use client';

import { useActionState } from 'react';
import { signInAction, type SignInState } from './actions';
import { TextField } from '@/components/ui/field';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';

export function LoginForm({ next }: { next?: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.error ? <Alert>{state.error}</Alert> : null}
      <input type="hidden" name="next" value={next ?? '/'} />
      <TextField
        id="loginName"
        name="loginName"
        label="Login name"
        autoComplete="username"
        required
        defaultValue={state.loginName}
        error={state.fieldErrors?.loginName?.[0]}
      />
      <TextField
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="current-password"
        required
        error={state.fieldErrors?.password?.[0]}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
