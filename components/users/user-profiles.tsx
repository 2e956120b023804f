'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { UserAccess } from '@/lib/dal';
import { assignProfileAction, unassignProfileAction } from '@/app/(console)/users/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { SelectField } from '@/components/ui/field';

export function UserProfiles({
  userId,
  profiles,
  assignable,
  isSelf,
}: {
  userId: number;
  profiles: UserAccess['profiles'];
  assignable: UserAccess['assignable'];
  isSelf: boolean;
}) {
  const router = useRouter();
  const [choice, setChoice] = useState('');
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [removing, setRemoving] = useState<{ roleKey: string; name: string; handlesConversations: boolean } | null>(null);
  const assign = useMutation({
    mutationFn: () => assignProfileAction({ userId, profileId: Number(choice) }),
    onSuccess: (r) => {
      if (!r.ok) return setMessage({ tone: 'error', text: r.error });
      setMessage({ tone: 'success', text: `Profile assigned (version ${r.data.version}).` });
      setChoice('');
      router.refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (roleKey: string) => unassignProfileAction({ userId, roleKey }),
    onSuccess: (r) => {
      setRemoving(null);
      if (!r.ok) return setMessage({ tone: 'error', text: r.error });
      setMessage({ tone: 'success', text: 'Profile removed.' });
      router.refresh();
    },
  });
  return (
    <section aria-labelledby="profiles-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="profiles-title" className="text-lg font-medium">
        Profiles
      </h2>
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {profiles.length === 0 ? <p className="text-slate-600">No profiles: this user has no permissions.</p> : null}
      <ul className="space-y-1">
        {profiles.map((p) => (
          <li key={p.roleKey} className="flex items-center justify-between gap-2">
            <span>
              <strong>{p.name}</strong> ({p.roleName}) · on version {p.version}
              {p.version < p.headVersion ? <span className="text-amber-800"> (current is {p.headVersion})</span> : null}
            </span>
            {!isSelf ? (
              <Button variant="ghost" onClick={() => setRemoving({ roleKey: p.roleKey, name: p.name, handlesConversations: p.handlesConversations })}>
                Remove {p.name}
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {isSelf ? (
        <p className="text-sm text-slate-600">Nobody changes his own profiles; another administrator can.</p>
      ) : assignable.length ? (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (choice) assign.mutate();
          }}
        >
          <SelectField id="assign-profile" label="Assign a profile" value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">Choose a profile…</option>
            {assignable.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.roleName})
              </option>
            ))}
          </SelectField>
          <Button type="submit" disabled={!choice || assign.isPending}>
            Assign profile
          </Button>
          <p className="w-full text-xs text-slate-600">One profile per role: assigning a profile replaces the one the user holds in that role.</p>
        </form>
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(o) => !o && setRemoving(null)}
        title={`Remove ${removing?.name ?? ''}?`}
        confirmLabel="Remove"
        tone="danger"
        onConfirm={() => removing && remove.mutate(removing.roleKey)}
      >
        <p>
          The user loses the permissions this profile gives.
          {removing?.handlesConversations ? ' Removing the agent profile also clears his skills and max chats.' : ''}
        </p>
      </ConfirmDialog>
    </section>
  );
}
