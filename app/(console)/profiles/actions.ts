'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import {
  applyProfileToAll,
  createProfile,
  deleteProfile,
  duplicateProfile,
  listProfileImpactUsers,
  newProfileDraft,
  previewProfileChange,
  profileVersionDiff,
  rollbackProfile,
  saveProfile,
  type ActionResult,
  type ProfileImpact,
  type ProfileImpactUsers,
} from '@/lib/dal';
import type { AddFormState } from '@/lib/add-form';

// Thin: each action resolves the caller and runs one lib/dal verb, which authorizes and validates.

export async function previewProfileAction(input: unknown): Promise<ActionResult<ProfileImpact>> {
  return runAction(async () => previewProfileChange({ ctx: await requirePrincipal(), input }));
}

export async function createProfileAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = createProfile({ ctx: await requirePrincipal(), input });
    revalidatePath('/profiles');
    return result;
  }, 'Profile created.');
}

export async function saveProfileAction(input: unknown): Promise<ActionResult<{ id: number; version: number }>> {
  return runAction(async () => {
    const result = saveProfile({ ctx: await requirePrincipal(), input });
    revalidatePath('/', 'layout');
    return result;
  });
}

export async function rollbackProfileAction(input: unknown): Promise<ActionResult<{ id: number; version: number }>> {
  return runAction(async () => {
    const result = rollbackProfile({ ctx: await requirePrincipal(), input });
    revalidatePath('/', 'layout');
    return result;
  });
}

export async function applyProfileToAllAction(input: unknown): Promise<ActionResult<{ id: number; version: number }>> {
  return runAction(async () => {
    const result = applyProfileToAll({ ctx: await requirePrincipal(), input });
    revalidatePath('/', 'layout');
    return result;
  });
}

export async function duplicateProfileAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = duplicateProfile({ ctx: await requirePrincipal(), input });
    revalidatePath('/profiles');
    return result;
  });
}

export async function deleteProfileAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = deleteProfile({ ctx: await requirePrincipal(), input });
    revalidatePath('/profiles');
    return result;
  });
}

export async function profileVersionDiffAction(input: unknown): Promise<ActionResult<{ from: number; to: number; added: string[]; removed: string[] }>> {
  return runAction(async () => profileVersionDiff({ ctx: await requirePrincipal(), input }));
}

/** The named impact: who a save, an Apply to all or a Roll back moves, a page at a time (a read: the impact preview's queryFn). */
export async function profileImpactUsersAction(input: unknown): Promise<ActionResult<ProfileImpactUsers>> {
  return runAction(async () => listProfileImpactUsers({ ctx: await requirePrincipal(), input }));
}

/**
 * "Add profile" as a real form: the role is one of its fields, posted with the name, so the choice
 * holds whether or not the page has hydrated (or runs script at all). "Continue" opens the editor
 * at the role's defaults; "Create profile" creates it at those defaults at once.
 */
export async function addProfileFormAction(_previous: AddFormState, form: FormData): Promise<AddFormState> {
  const roleKey = String(form.get('role') ?? '');
  const name = String(form.get('name') ?? '');
  if (!roleKey) return { error: 'Choose a role for the new profile.', fieldErrors: { role: ['Role is required'] }, values: { role: roleKey, name } };
  if (form.get('intent') !== 'create') redirect(`/profiles/new?role=${encodeURIComponent(roleKey)}`);
  const result = await runAction(async () => {
    const ctx = await requirePrincipal();
    const draft = newProfileDraft({ ctx, input: { roleKey } });
    return createProfile({ ctx, input: { roleKey, name, permissions: draft.defaults, channels: draft.channelDefaults } });
  });
  if (!result.ok) return { error: result.error, fieldErrors: result.fieldErrors, values: { role: roleKey, name } };
  revalidatePath('/profiles');
  redirect(`/profiles/${result.data.id}?created=1`);
}
