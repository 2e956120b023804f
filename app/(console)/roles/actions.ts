'use server';

import { revalidatePath } from 'next/cache';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import { createRole, deleteRole, previewRoleChange, updateRole, type ActionResult, type ProfileImpact } from '@/lib/dal';

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
