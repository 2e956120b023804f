'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteUserAction, setUserStatusAction, signUserOutEverywhereAction } from '@/app/(console)/users/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';

export function UserStatus({
  user,
  canDelete,
}: {
  user: { id: number; rowVersion: number; name: string; status: 'active' | 'deactivated' };
  canDelete: boolean;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = useMutation({
    mutationFn: () => signUserOutEverywhereAction({ id: user.id }),
    onSuccess: (r) => {
      setSigningOut(false);
      if (!r.ok) return setError(r.error);
      setError(null);
      setNotice(`${user.name} is signed out everywhere.`);
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteUserAction({ id: user.id, rowVersion: user.rowVersion }),
    onSuccess: (r) => {
      setDeleting(false);
      if (!r.ok) return setError(r.error);
      router.push('/users?deleted=1');
    },
  });
  const next = user.status === 'active' ? 'deactivated' : 'active';
  const change = useMutation({
    mutationFn: () => setUserStatusAction({ id: user.id, rowVersion: user.rowVersion, status: next }),
    onSuccess: (r) => {
      setOpen(false);
      if (!r.ok) return setError(r.error);
      setError(null);
      router.refresh();
    },
  });
  return (
    <div className="space-y-2">
      <Button variant={next === 'deactivated' ? 'danger' : 'secondary'} onClick={() => setOpen(true)}>
        {next === 'deactivated' ? 'Deactivate' : 'Reactivate'}
      </Button>
      {canDelete ? (
        <Button variant="ghost" onClick={() => setDeleting(true)}>
          Delete user
        </Button>
      ) : null}
      {user.status === 'active' ? (
        <Button variant="ghost" onClick={() => setSigningOut(true)}>
          Sign out everywhere
        </Button>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      <ConfirmDialog
        open={signingOut}
        onOpenChange={setSigningOut}
        title={`Sign ${user.name} out everywhere?`}
        confirmLabel="Sign out everywhere"
        tone="danger"
        pending={signOut.isPending}
        onConfirm={() => signOut.mutate()}
      >
        <p>Every session he has open, on any device, ends now: his next click goes to sign-in. His account and password stay as they are.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete ${user.name}?`}
        confirmLabel="Delete"
        tone="danger"
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      >
        <p>Only a user with no history can be deleted; anyone who has made changes is deactivated instead, so the audit trail keeps its actors.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={next === 'deactivated' ? `Deactivate ${user.name}?` : `Reactivate ${user.name}?`}
        confirmLabel={next === 'deactivated' ? 'Deactivate' : 'Reactivate'}
        tone={next === 'deactivated' ? 'danger' : 'primary'}
        pending={change.isPending}
        onConfirm={() => change.mutate()}
      >
        {next === 'deactivated' ? (
          <p>He can no longer sign in, and his open sessions are refused on their next request. Nothing is deleted; you can reactivate him.</p>
        ) : (
          <p>He can sign in again with his password.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}
