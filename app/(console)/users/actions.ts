'use server';

import { revalidatePath } from 'next/cache';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import { assignProfile, unassignProfile, type ActionResult } from '@/lib/dal';

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
