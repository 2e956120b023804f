'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteRoleAction } from '@/app/(console)/roles/actions';
import { useActionMutation } from '@/lib/query/action-mutation';
import { roleKeys } from '@/lib/query/keys';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';

export function DeleteRoleButton({ role }: { role: { key: string; name: string; rowVersion: number } }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const remove = useActionMutation({
    label: 'Delete role',
    action: () => deleteRoleAction({ key: role.key, rowVersion: role.rowVersion }),
    success: 'Role deleted.',
    invalidate: [roleKeys.all],
    onSuccess: () => router.push('/roles?deleted=1'),
  });
  return (
    <div className="space-y-2">
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete role
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) remove.clearOutcome();
        }}
        outcome={remove.outcome}
        title={`Delete the role "${role.name}"?`}
        confirmLabel="Delete"
        tone="danger"
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      >
        <p>A role can be deleted only when no user holds it and it has no profile but its own default one, which goes with it.</p>
      </ConfirmDialog>
    </div>
  );
}
