'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteProfileAction, duplicateProfileAction } from '@/app/(console)/profiles/actions';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClass } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';

export function ProfileActions({ profile }: { profile: { id: number; name: string; rowVersion: number; isDefault: boolean; holders: number } }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [duplicating, setDuplicating] = useState(false);
  const [copyName, setCopyName] = useState(`Copy of ${profile.name}`);

  const remove = useMutation({
    mutationFn: () => deleteProfileAction({ id: profile.id, rowVersion: profile.rowVersion }),
    onSuccess: (r) => {
      setDeleting(false);
      if (!r.ok) return setError(r.error);
      router.push('/profiles?deleted=1');
    },
  });
  const duplicate = useMutation({
    mutationFn: () => duplicateProfileAction({ id: profile.id, name: copyName }),
    onSuccess: (r) => {
      if (!r.ok) return setError(r.error);
      setDuplicating(false);
      router.push(`/profiles/${r.data.id}?created=1`);
    },
  });

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Link href={`/profiles/compare?a=${profile.id}`} className={buttonClass('secondary')}>
          Compare
        </Link>
        <Button variant="secondary" onClick={() => setDuplicating(true)}>
          Duplicate
        </Button>
        <Button variant="danger" onClick={() => setDeleting(true)}>
          Delete profile
        </Button>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete "${profile.name}"?`}
        confirmLabel="Delete"
        tone="danger"
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      >
        {profile.isDefault ? <p>This is the default profile of its role: it cannot be deleted.</p> : null}
        {profile.holders ? (
          <p>{profile.holders} user(s) hold it: it can be deleted only once nobody does.</p>
        ) : (
          <p>Nobody holds it. Its versions are deleted with it; the audit trail keeps the record.</p>
        )}
      </ConfirmDialog>
      <Dialog
        open={duplicating}
        onOpenChange={setDuplicating}
        title="Duplicate profile"
        description="The copy starts with the current version's permissions, in the same role."
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            duplicate.mutate();
          }}
          className="space-y-4"
        >
          <TextField id="copy-name" label="Name of the copy" value={copyName} maxLength={200} onChange={(e) => setCopyName(e.target.value)} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setDuplicating(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={duplicate.isPending}>
              Create copy
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
