'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import { createRole, deleteRole, getRoleEditor, previewRoleChange, updateRole, type ActionResult, type ProfileImpact } from '@/lib/dal';
import type { AddFormState } from '@/lib/add-form';

export async function previewRoleAction(input: unknown): Promise<ActionResult<ProfileImpact>> {
  return runAction(async () => previewRoleChange({ ctx: await requirePrincipal(), input }));
}

export async function createRoleAction(input: unknown): Promise<ActionResult<{ key: string; defaultProfileId: number }>> {
  return runAction(async () => {
    const result = createRole({ ctx: await requirePrincipal(), input });
    revalidatePath('/', 'layout');
    return result;
  });
}

export async function updateRoleAction(input: unknown): Promise<ActionResult<{ key: string; version: number }>> {
  return runAction(async () => {
    const result = updateRole({ ctx: await requirePrincipal(), input });
    revalidatePath('/', 'layout');
    return result;
  });
}

export async function deleteRoleAction(input: unknown): Promise<ActionResult<{ key: string }>> {
  return runAction(async () => {
    const result = deleteRole({ ctx: await requirePrincipal(), input });
    revalidatePath('/', 'layout');
    return result;
  });
}

/**
 * "Add role" as a real form (see addProfileFormAction): the base role is a field posted with the
 * name. "Create role" creates it at its base's defaults and the highest rank allowed.
 */
export async function addRoleFormAction(_previous: AddFormState, form: FormData): Promise<AddFormState> {
  const baseRoleKey = String(form.get('base') ?? '');
  const name = String(form.get('name') ?? '');
  if (!baseRoleKey)
    return { error: 'Choose the built-in role it is based on.', fieldErrors: { base: ['Base role is required'] }, values: { base: baseRoleKey, name } };
  if (form.get('intent') !== 'create') redirect(`/roles/new?base=${encodeURIComponent(baseRoleKey)}`);
  const result = await runAction(async () => {
    const ctx = await requirePrincipal();
    const editor = getRoleEditor({ ctx, input: { baseRoleKey } });
    return createRole({ ctx, input: { baseRoleKey, name, rank: editor.maxRank, defaults: editor.baseDefaults } });
  });
  if (!result.ok) return { error: result.error, fieldErrors: result.fieldErrors, values: { base: baseRoleKey, name } };
  revalidatePath('/', 'layout');
  redirect(`/roles/${result.data.key}?created=1`);
}
