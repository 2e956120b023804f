'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult, ApiKeyRow } from '@/lib/dal';
import { apiKeyPermissionChoicesAction, createApiKeyAction, revokeApiKeyAction } from '@/app/(console)/settings/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { inputClass, SelectField, TextField } from '@/components/ui/field';
import { DataTable, cell } from '@/components/ui/table';

const when = (ms: number | null) => (ms === null ? '—' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

const STATUS: Record<ApiKeyRow['status'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  'user-deactivated': 'User deactivated',
};

interface Options {
  users: { id: number; loginName: string; name: string }[];
}

export function ApiKeyManager({ keys, options, selfId }: { keys: ApiKeyRow[]; options: Options | null; selfId: number }) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyRow | null>(null);
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);

  const revoke = useMutation({
    mutationFn: (k: ApiKeyRow) => revokeApiKeyAction({ id: k.id }),
    onSuccess: (r, k) => {
      setRevoking(null);
      setMessage(r.ok ? { tone: 'success', text: `"${k.name}" is revoked; programs using it are refused from now on.` } : { tone: 'error', text: r.error });
      if (r.ok) router.refresh();
    },
  });

  return (
    <div className="space-y-4">
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {options ? (
        <Button onClick={() => setCreating(true)} disabled={!options.users.length}>
          Create API key
        </Button>
      ) : null}
      {keys.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">No API keys yet.</p>
      ) : (
        <DataTable caption="API keys" columns={['Name', 'Key', 'Acts for', 'Permissions', 'Limit', 'Created', 'Expires', 'Last used', 'Status', 'Actions']}>
          {keys.map((k) => (
            <tr key={k.id} className="align-top">
              <td className={`${cell} font-medium`}>{k.name}</td>
              <td className={`${cell} font-mono text-xs`}>{k.prefix}_…</td>
              <td className={cell}>
                {k.user.name} <span className="text-slate-600">({k.user.loginName})</span>
              </td>
              <td className={cell}>
                <details>
                  <summary className="cursor-pointer">{k.permissions.length} permission(s)</summary>
                  <ul className="mt-1 list-disc pl-5 text-xs">
                    {k.permissions.map((p) => (
                      <li key={p.key}>{p.name}</li>
                    ))}
                  </ul>
                </details>
              </td>
              <td className={cell}>{k.rateLimitPerMinute}/min</td>
              <td className={`${cell} whitespace-nowrap`}>
                {when(k.createdAt)}
                {k.createdBy ? <div className="text-xs text-slate-600">by {k.createdBy}</div> : null}
              </td>
              <td className={`${cell} whitespace-nowrap`}>{k.expiresAt ? when(k.expiresAt) : 'Never'}</td>
              <td className={`${cell} whitespace-nowrap`}>{k.lastUsedAt ? when(k.lastUsedAt) : 'Never used'}</td>
              <td className={cell}>{STATUS[k.status]}</td>
              <td className={cell}>
                {options && k.status !== 'revoked' ? (
                  <Button variant="ghost" onClick={() => setRevoking(k)}>
                    Revoke {k.name}
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {options ? (
        <Dialog open={creating} onOpenChange={setCreating} title="Create API key" description="The key acts for one user, with the permissions you choose from his.">
          {creating ? (
            <CreateKeyForm
              options={options}
              selfId={selfId}
              onCancel={() => setCreating(false)}
              onCreated={(token, name) => {
                setCreating(false);
                setCreated({ token, name });
                setMessage(null);
                router.refresh();
              }}
            />
          ) : null}
        </Dialog>
      ) : null}
      <Dialog open={created !== null} onOpenChange={(o) => !o && setCreated(null)} title={`Your new key "${created?.name ?? ''}"`}>
        {created ? <NewKey token={created.token} onDone={() => setCreated(null)} /> : null}
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(o) => !o && setRevoking(null)}
        title={`Revoke "${revoking?.name ?? ''}"?`}
        confirmLabel="Revoke key"
        tone="danger"
        pending={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking)}
      >
        <p>Programs using this key are refused from their next call. This cannot be undone; create a new key if you need one again.</p>
      </ConfirmDialog>
    </div>
  );
}

function CreateKeyForm({
  options,
  selfId,
  onCancel,
  onCreated,
}: {
  options: Options;
  selfId: number;
  onCancel: () => void;
  onCreated: (token: string, name: string) => void;
}) {
  const [name, setName] = useState('');
  const [userId, setUserId] = useState(String(options.users.some((u) => u.id === selfId) ? selfId : (options.users[0]?.id ?? '')));
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [rateLimit, setRateLimit] = useState('600');
  const [expiresAt, setExpiresAt] = useState('');
  const [result, setResult] = useState<Extract<ActionResult, { ok: false }> | null>(null);
  const err = (field: string) => result?.fieldErrors?.[field]?.[0];

  const choices = useQuery({
    queryKey: ['api-key-choices', userId],
    queryFn: async () => {
      const r = await apiKeyPermissionChoicesAction({ userId: Number(userId) });
      if (!r.ok) throw new Error(r.error);
      return r.data;
    },
    enabled: userId !== '',
  });
  const create = useMutation({
    mutationFn: () =>
      createApiKeyAction({
        name,
        userId: Number(userId),
        permissions: [...chosen],
        rateLimitPerMinute: rateLimit,
        // The field is read as UTC, as every time in the console.
        expiresAt: expiresAt ? `${expiresAt}:00Z` : '',
      }),
    onSuccess: (r) => (r.ok ? onCreated(r.data.token, name) : setResult(r)),
  });
  const allowed = (choices.data ?? []).filter((c) => c.refusal === null);
  const categories = [...new Set((choices.data ?? []).map((c) => c.category))];

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      {result ? <Alert>{result.error}</Alert> : null}
      <TextField id="key-name" label="Name" value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} error={err('name')} />
      <SelectField
        id="key-user"
        label="Acts for"
        value={userId}
        onChange={(e) => {
          setUserId(e.target.value);
          setChosen(new Set());
        }}
      >
        {options.users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name} ({u.loginName})
          </option>
        ))}
      </SelectField>
      <fieldset className="space-y-2" aria-describedby={err('permissions') ? 'key-permissions-error' : undefined}>
        <legend className="text-sm font-medium text-slate-700">Permissions the key may use</legend>
        {choices.isPending ? <p className="text-sm text-slate-600">Loading his permissions…</p> : null}
        {choices.isError ? <Alert>{choices.error.message}</Alert> : null}
        {choices.data ? (
          <>
            <div className="flex gap-2">
              <Button variant="secondary" onClick={() => setChosen(new Set(allowed.map((c) => c.key)))} disabled={!allowed.length}>
                Choose all {allowed.length}
              </Button>
              <Button variant="secondary" onClick={() => setChosen(new Set())} disabled={!chosen.size}>
                Choose none
              </Button>
            </div>
            <div className="max-h-64 space-y-3 overflow-y-auto rounded-md border border-slate-200 p-3">
              {categories.map((category) => (
                <div key={category}>
                  <p className="text-xs font-semibold uppercase text-slate-600">{category}</p>
                  {choices.data
                    .filter((c) => c.category === category)
                    .map((c) => (
                      <label key={c.key} className="flex items-start gap-2 py-0.5 text-sm">
                        <input
                          type="checkbox"
                          className="mt-1"
                          checked={chosen.has(c.key)}
                          disabled={c.refusal !== null}
                          aria-describedby={c.refusal ? `why-${c.key}` : undefined}
                          onChange={(e) => {
                            const next = new Set(chosen);
                            if (e.target.checked) next.add(c.key);
                            else next.delete(c.key);
                            setChosen(next);
                          }}
                        />
                        <span>
                          {c.name}
                          {c.refusal ? (
                            <span id={`why-${c.key}`} className="block text-xs text-slate-600">
                              {c.refusal}
                            </span>
                          ) : null}
                        </span>
                      </label>
                    ))}
                </div>
              ))}
            </div>
          </>
        ) : null}
        {err('permissions') ? (
          <p id="key-permissions-error" className="text-sm text-red-700">
            {err('permissions')}
          </p>
        ) : null}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          id="key-rate"
          label="Calls a minute"
          type="number"
          min={1}
          value={rateLimit}
          onChange={(e) => setRateLimit(e.target.value)}
          error={err('rateLimitPerMinute')}
        />
        <TextField
          id="key-expires"
          label="Expires (UTC, optional)"
          type="datetime-local"
          value={expiresAt}
          onChange={(e) => setExpiresAt(e.target.value)}
          error={err('expiresAt')}
        />
      </div>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={create.isPending}>
          Create key
        </Button>
      </div>
    </form>
  );
}

function NewKey({ token, onDone }: { token: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-3">
      <Alert tone="info">Copy it now: Switchboard keeps only a hash and cannot show it again.</Alert>
      <label htmlFor="new-key" className="block text-sm font-medium text-slate-700">
        API key
      </label>
      <input id="new-key" readOnly value={token} className={`${inputClass} font-mono text-xs`} onFocus={(e) => e.currentTarget.select()} />
      <div className="flex justify-end gap-2">
        <Button
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(token).catch(() => undefined);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy key'}
        </Button>
        <Button onClick={onDone}>Done</Button>
      </div>
    </div>
  );
}
