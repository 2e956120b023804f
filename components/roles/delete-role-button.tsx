'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteRoleAction } from '@/app/(console)/roles/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';

export function DeleteRoleButton({ role }: { role: { key: string; name: string; rowVersion: number } }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: () => deleteRoleAction({ key: role.key, rowVersion: role.rowVersion }),
    onSuccess: (r) => {
      setOpen(false);
      if (!r.ok) return setError(r.error);
      router.push('/roles?deleted=1');
    },
  });
  return (
    <div className="space-y-2">
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete role
      </Button>
      {error ? <Alert>{error}</Alert> : null}
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
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
