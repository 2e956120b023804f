'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { addOverrideAction, removeOverrideAction } from '@/app/(console)/users/actions';
import { LEVEL_NAMES } from '@/lib/permissions/channels';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';

export interface OverrideRow {
  id: number;
  permissionName: string;
  effect: 'grant' | 'revoke' | 'level';
  reason: string;
  expiresAt: number | null;
  createdByName: string;
  expired: boolean;
}

type Effect = OverrideRow['effect'];
const EFFECT_LABELS: Record<Effect, string> = { grant: 'Granted', revoke: 'Revoked', level: 'Channel level' };

/** Exceptions for one user: a permission granted or revoked, or one channel's level set; always with a reason, optionally until a date. */
export function UserOverrides({
  userId,
  overrides,
  permissions,
  channels,
  isSelf,
}: {
  userId: number;
  overrides: OverrideRow[];
  permissions: { key: string; name: string }[];
  channels: { key: string; name: string; parent: string | null }[];
  isSelf: boolean;
}) {
  const router = useRouter();
  const [subject, setSubject] = useState('');
  const [effect, setEffect] = useState<Effect>('grant');
  const [level, setLevel] = useState('view');
  const [reason, setReason] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string; fields?: Record<string, string[]> } | null>(null);
  const add = useMutation({
    mutationFn: () =>
      addOverrideAction({
        userId,
        permissionKey: subject,
        effect,
        ...(effect === 'level' ? { level } : {}),
        reason,
        expiresAt: expiresAt ? new Date(expiresAt).toISOString() : '',
      }),
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
              <strong>{EFFECT_LABELS[o.effect]}</strong>: {o.permissionName} — {o.reason} (by {o.createdByName}
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
          className="grid gap-3 sm:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <SelectField
            id="override-effect"
            label="Effect"
            value={effect}
            onChange={(e) => {
              setEffect(e.target.value as Effect);
              setSubject('');
            }}
          >
            <option value="grant">Grant a permission</option>
            <option value="revoke">Revoke a permission</option>
            <option value="level">Set a channel level</option>
          </SelectField>
          {effect === 'level' ? (
            <>
              <SelectField id="override-channel" label="Channel" value={subject} onChange={(e) => setSubject(e.target.value)}>
                <option value="">Choose…</option>
                {channels.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.parent ? `\u00a0\u00a0${c.name}` : c.name}
                  </option>
                ))}
              </SelectField>
              <SelectField id="override-level" label="Level" value={level} onChange={(e) => setLevel(e.target.value)}>
                {Object.entries(LEVEL_NAMES).map(([key, name]) => (
                  <option key={key} value={key}>
                    {name}
                  </option>
                ))}
              </SelectField>
            </>
          ) : (
            <SelectField id="override-permission" label="Permission" value={subject} onChange={(e) => setSubject(e.target.value)}>
              <option value="">Choose…</option>
              {permissions.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.name}
                </option>
              ))}
            </SelectField>
          )}
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
          <div className="sm:col-span-3">
            <Button type="submit" disabled={add.isPending || !subject}>
              Add override
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
