'use server';

import { revalidatePath } from 'next/cache';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import { signOutEverywhere } from '@/lib/dal/sessions';
import {
  addOverride,
  assignProfile,
  bulkUpdateUsers,
  createUser,
  deleteUser,
  removeOverride,
  setUserStatus,
  unassignProfile,
  updateUser,
  type ActionResult,
  type BulkResult,
} from '@/lib/dal';

export async function assignProfileAction(input: unknown): Promise<ActionResult<{ userId: number; profileId: number; version: number }>> {
  return runAction(async () => {
    const result = assignProfile({ ctx: await requirePrincipal(), input });
    revalidatePath('/users');
    return result;
  });
}

export async function unassignProfileAction(input: unknown): Promise<ActionResult<{ userId: number }>> {
  return runAction(async () => {
    const result = unassignProfile({ ctx: await requirePrincipal(), input });
    revalidatePath('/users');
    return result;
  });
}

export async function createUserAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = await createUser({ ctx: await requirePrincipal(), input });
    revalidatePath('/users');
    return result;
  });
}

export async function updateUserAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = await updateUser({ ctx: await requirePrincipal(), input });
    revalidatePath('/users');
    return result;
  });
}

export async function setUserStatusAction(input: unknown): Promise<ActionResult<{ id: number; status: 'active' | 'deactivated' }>> {
  return runAction(async () => {
    const result = setUserStatus({ ctx: await requirePrincipal(), input });
    revalidatePath('/users');
    return result;
  });
}

export async function addOverrideAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = addOverride({ ctx: await requirePrincipal(), input });
    revalidatePath('/users');
    return result;
  });
}

export async function removeOverrideAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = removeOverride({ ctx: await requirePrincipal(), input });
    revalidatePath('/users');
    return result;
  });
}

export async function previewBulkAction(input: unknown): Promise<ActionResult<BulkResult[]>> {
  return runAction(async () => bulkUpdateUsers({ ctx: await requirePrincipal(), input, preview: true }));
}

export async function applyBulkAction(input: unknown): Promise<ActionResult<BulkResult[]>> {
  return runAction(async () => {
    const results = bulkUpdateUsers({ ctx: await requirePrincipal(), input, preview: false });
    revalidatePath('/users');
    return results;
  });
}

export async function deleteUserAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = deleteUser({ ctx: await requirePrincipal(), input });
    revalidatePath('/users');
    return result;
  });
}

/** End every session of a user he may manage (his next request, anywhere, goes to sign-in). */
export async function signUserOutEverywhereAction(input: unknown): Promise<ActionResult<{ userId: number }>> {
  return runAction(async () => {
    return signOutEverywhere({ ctx: await requirePrincipal(), input });
  }, 'Signed out everywhere.');
}
