'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { addOverrideAction, removeOverrideAction } from '@/app/(console)/users/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';

export interface OverrideRow {
  id: number;
  permissionName: string;
  effect: 'grant' | 'revoke';
  reason: string;
  expiresAt: number | null;
  createdByName: string;
  expired: boolean;
}

/** Extra permissions for one user, or one taken away: always with a reason, optionally until a date. */
export function UserOverrides({
  userId,
  overrides,
  permissions,
  isSelf,
}: {
  userId: number;
  overrides: OverrideRow[];
  permissions: { key: string; name: string }[];
  isSelf: boolean;
}) {
  const router = useRouter();
  const [permissionKey, setPermissionKey] = useState('');
  const [effect, setEffect] = useState<'grant' | 'revoke'>('grant');
  const [reason, setReason] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string; fields?: Record<string, string[]> } | null>(null);
  const add = useMutation({
    mutationFn: () => addOverrideAction({ userId, permissionKey, effect, reason, expiresAt: expiresAt ? new Date(expiresAt).toISOString() : '' }),
    onSuccess: (r) => {
      if (!r.ok) return setMessage({ tone: 'error', text: r.error, fields: r.fieldErrors });
      setMessage({ tone: 'success', text: 'Override added.' });
      setReason('');
      setExpiresAt('');
      router.refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => removeOverrideAction({ id }),
    onSuccess: (r) => {
      if (!r.ok) return setMessage({ tone: 'error', text: r.error });
      setMessage({ tone: 'success', text: 'Override removed.' });
      router.refresh();
    },
  });
  return (
    <section aria-labelledby="overrides-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="overrides-title" className="text-lg font-medium">
        Overrides
      </h2>
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {overrides.length === 0 ? <p className="text-sm text-slate-600">No overrides: his permissions come from his profiles alone.</p> : null}
      <ul className="space-y-1 text-sm">
        {overrides.map((o) => (
          <li key={o.id} className="flex flex-wrap items-center justify-between gap-2">
            <span>
              <strong>{o.effect === 'grant' ? 'Granted' : 'Revoked'}</strong>: {o.permissionName} — {o.reason} (by {o.createdByName}
              {o.expiresAt ? `, ${o.expired ? 'expired' : 'until'} ${new Date(o.expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''})
            </span>
            {!isSelf ? (
              <Button variant="ghost" onClick={() => remove.mutate(o.id)}>
                Remove override
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {!isSelf ? (
        <form
          className="grid gap-3 sm:grid-cols-4"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <SelectField id="override-permission" label="Permission" value={permissionKey} onChange={(e) => setPermissionKey(e.target.value)}>
            <option value="">Choose…</option>
            {permissions.map((p) => (
              <option key={p.key} value={p.key}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <SelectField id="override-effect" label="Effect" value={effect} onChange={(e) => setEffect(e.target.value as 'grant' | 'revoke')}>
            <option value="grant">Grant</option>
            <option value="revoke">Revoke</option>
          </SelectField>
          <TextField
            id="override-reason"
            label="Reason"
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            error={message?.fields?.reason?.[0]}
          />
          <TextField
            id="override-expiry"
            label="Expires (optional)"
            type="datetime-local"
            value={expiresAt}
            onChange={(e) => setExpiresAt(e.target.value)}
            error={message?.fields?.expiresAt?.[0]}
          />
          <div className="sm:col-span-4">
            <Button type="submit" disabled={add.isPending || !permissionKey}>
              Add override
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
