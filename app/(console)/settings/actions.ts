'use server';

import { revalidatePath } from 'next/cache';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import { apiKeyPermissionChoices, createApiKey, revokeApiKey, setAccountFeature, type AccountFeatureRow, type ActionResult } from '@/lib/dal';

export async function setAccountFeatureAction(input: unknown): Promise<ActionResult<AccountFeatureRow>> {
  return runAction(async () => {
    const row = setAccountFeature({ ctx: await requirePrincipal(), input });
    revalidatePath('/', 'layout');
    return row;
  });
}

export async function createApiKeyAction(input: unknown): Promise<ActionResult<{ id: number; token: string; prefix: string }>> {
  return runAction(async () => {
    const result = createApiKey({ ctx: await requirePrincipal(), input });
    revalidatePath('/settings/api-keys');
    return result;
  });
}

export async function revokeApiKeyAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = revokeApiKey({ ctx: await requirePrincipal(), input });
    revalidatePath('/settings/api-keys');
    return result;
  });
}

/** Read-only: what a key for the chosen user may list. */
export async function apiKeyPermissionChoicesAction(input: unknown): Promise<ActionResult<{ key: string; name: string; category: string; refusal: string | null }[]>> {
  return runAction(async () => apiKeyPermissionChoices({ ctx: await requirePrincipal(), input }));
}
