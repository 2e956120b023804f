'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteProfileAction, duplicateProfileAction } from '@/app/(console)/profiles/actions';
import { ActionOutcome } from '@/components/ui/action-outcome';
import { useActionMutation } from '@/lib/query/action-mutation';
import { profileKeys } from '@/lib/query/keys';
import { Button, buttonClass } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';

export function ProfileActions({
  profile,
}: {
  profile: { id: number; name: string; rowVersion: number; isDefault: boolean; holders: number; deleteRefusal: string | null };
}) {
  const router = useRouter();
  const [deleting, setDeleting] = useState(false);
  const [duplicating, setDuplicating] = useState(false);
  const [copyName, setCopyName] = useState(`Copy of ${profile.name}`);

  const remove = useActionMutation({
    label: 'Delete profile',
    action: () => deleteProfileAction({ id: profile.id, rowVersion: profile.rowVersion }),
    success: 'Profile deleted.',
    invalidate: [profileKeys.all],
    onSuccess: () => router.push('/profiles?deleted=1'),
  });
  const duplicate = useActionMutation({
    label: 'Duplicate profile',
    action: () => duplicateProfileAction({ id: profile.id, name: copyName }),
    success: 'Copy created.',
    invalidate: [profileKeys.all],
    onSuccess: (data) => {
      setDuplicating(false);
      router.push(`/profiles/${data.id}?created=1`);
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
        {/* Deleting a role's default profile can only fail: not offered, and the server says why. */}
        <Button
          variant="danger"
          onClick={() => setDeleting(true)}
          disabled={Boolean(profile.deleteRefusal)}
          aria-describedby={profile.deleteRefusal ? 'delete-profile-reason' : undefined}
        >
          Delete profile
        </Button>
      </div>
      {profile.deleteRefusal ? (
        <p id="delete-profile-reason" className="max-w-xs text-xs text-slate-600">
          {profile.deleteRefusal}
        </p>
      ) : null}
      <ConfirmDialog
        open={deleting}
        onOpenChange={(open) => {
          setDeleting(open);
          if (!open) remove.clearOutcome();
        }}
        outcome={remove.outcome}
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
          <TextField
            id="copy-name"
            label="Name of the copy"
            value={copyName}
            maxLength={200}
            onChange={(e) => setCopyName(e.target.value)}
            error={duplicate.outcome?.fieldErrors?.name?.[0]}
          />
          <ActionOutcome outcome={duplicate.outcome?.kind === 'success' ? null : duplicate.outcome} />
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
