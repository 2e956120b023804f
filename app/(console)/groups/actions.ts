'use server';

import { revalidatePath } from 'next/cache';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import { createGroup, deleteGroup, updateGroup, type ActionResult } from '@/lib/dal';

export async function createGroupAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = createGroup({ ctx: await requirePrincipal(), input });
    revalidatePath('/groups');
    return result;
  });
}

export async function updateGroupAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = updateGroup({ ctx: await requirePrincipal(), input });
    revalidatePath('/groups');
    return result;
  });
}

export async function deleteGroupAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = deleteGroup({ ctx: await requirePrincipal(), input });
    revalidatePath('/groups');
    return result;
  });
}
