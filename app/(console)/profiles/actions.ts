'use server';

import { revalidatePath } from 'next/cache';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import {
  applyProfileToAll,
  createProfile,
  deleteProfile,
  duplicateProfile,
  previewProfileChange,
  profileVersionDiff,
  rollbackProfile,
  saveProfile,
  type ActionResult,
  type ProfileImpact,
} from '@/lib/dal';

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
