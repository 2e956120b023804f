'use server';

import { revalidatePath } from 'next/cache';
import { requirePrincipal } from '@/lib/auth/principal';
import { runAction } from '@/lib/actions';
import { setAccountFeature, type AccountFeatureRow, type ActionResult } from '@/lib/dal';

export async function setAccountFeatureAction(input: unknown): Promise<ActionResult<AccountFeatureRow>> {
  return runAction(async () => {
    const row = setAccountFeature({ ctx: await requirePrincipal(), input });
    revalidatePath('/', 'layout');
    return row;
  });
}
