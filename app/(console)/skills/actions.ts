'use server';

import { revalidatePath } from 'next/cache';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import { createSkill, deleteSkill, renameSkill, type ActionResult } from '@/lib/dal';

export async function createSkillAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = createSkill({ ctx: await requirePrincipal(), input });
    revalidatePath('/skills');
    return result;
  });
}

export async function renameSkillAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const result = renameSkill({ ctx: await requirePrincipal(), input });
    revalidatePath('/skills');
    return result;
  });
}

export async function deleteSkillAction(input: unknown): Promise<ActionResult<{ id: number; removedFrom: string[] }>> {
  return runAction(async () => {
    const result = deleteSkill({ ctx: await requirePrincipal(), input });
    revalidatePath('/skills');
    return result;
  });
}
