'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { ActionResult, ProfileImpact, ProfilePermissionRow } from '@/lib/dal';
import { closeOverRequires, dependentsOf, diffKeys, type RuleRole } from '@/lib/permissions/profile-rules';
import { createProfileAction, previewProfileAction, saveProfileAction } from '@/app/(console)/profiles/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { PermissionToggleList } from './permission-toggle-list';

export interface ProfileEditorProps {
  profile: { id: number; name: string; description: string; rowVersion: number } | null;
  role: { key: string; name: string; core: { key: string; name: string }[] };
  rolePermissions: ProfilePermissionRow[];
  defaults: string[];
  /** What the saved version has on (empty for a new profile). */
  saved: string[];
}

type Mode = 'apply' | 'new-users';

/** Just enough of the role for the pure prerequisite rules, rebuilt on the client. */
function roleForRules(rows: ProfilePermissionRow[]): RuleRole {
  return { permissions: rows, permissionByKey: new Map(rows.map((r) => [r.key, r])) };
}

export function ProfileEditor({ profile, role, rolePermissions, defaults, saved }: ProfileEditorProps) {
  const router = useRouter();
  const rules = useMemo(() => roleForRules(rolePermissions), [rolePermissions]);
  const nameOf = useMemo(() => new Map(rolePermissions.map((p) => [p.key, p.name])), [rolePermissions]);
  const [name, setName] = useState(profile?.name ?? '');
  const [description, setDescription] = useState(profile?.description ?? '');
  const [note, setNote] = useState('');
  const [enabled, setEnabled] = useState<Set<string>>(() => new Set(profile ? saved : defaults));
  const [addedBecause, setAddedBecause] = useState<Map<string, string>>(new Map());
  const [pendingOff, setPendingOff] = useState<{ key: string; dependents: string[] } | null>(null);
  const [restoreOpen, setRestoreOpen] = useState(false);
  const [preview, setPreview] = useState<{ mode: Mode; impact: ProfileImpact } | null>(null);
  const [error, setError] = useState<{ message: string; conflict: boolean; fields?: Record<string, string[]> } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const savedSet = useMemo(() => new Set(saved), [saved]);

  const turnOn = (key: string) => {
    const { keys, addedBecause: because } = closeOverRequires(rules, [...enabled, key]);
    setEnabled(keys);
    setAddedBecause((prev) => {
      const next = new Map(prev);
      for (const [k, v] of because) if (!enabled.has(k)) next.set(k, v);
      return next;
    });
  };
  const turnOff = (keys: string[]) => {
    setEnabled((prev) => new Set([...prev].filter((k) => !keys.includes(k))));
    setAddedBecause((prev) => new Map([...prev].filter(([k]) => !keys.includes(k))));
  };
  const onToggle = (key: string, on: boolean) => {
    setStatus(null);
    if (on) return turnOn(key);
    const dependents = dependentsOf(rules, key, enabled);
    if (dependents.length) setPendingOff({ key, dependents });
    else turnOff([key]);
  };

  const restoreDiff = diffKeys(enabled, defaults);
  const draft = [...enabled].sort();

  const previewMutation = useMutation({
    mutationFn: async (mode: Mode) => {
      const result = await previewProfileAction({ ...(profile ? { id: profile.id } : { roleKey: role.key }), permissions: draft, mode });
      if (!result.ok) throw result;
      return { mode, impact: result.data };
    },
    onSuccess: (data) => {
      setError(null);
      setPreview(data);
    },
    onError: (result) => showError(result),
  });

  const saveMutation = useMutation({
    mutationFn: async (mode: Mode): Promise<ActionResult<{ id: number; version?: number }>> =>
      profile
        ? saveProfileAction({ id: profile.id, rowVersion: profile.rowVersion, name, description, permissions: draft, note, mode })
        : createProfileAction({ roleKey: role.key, name, description, permissions: draft, note }),
    onSuccess: (result) => {
      setPreview(null);
      if (!result.ok) return showError(result);
      setError(null);
      setNote('');
      setAddedBecause(new Map());
      // The page re-renders with the new version (and remounts this editor): the message travels in the URL.
      router.replace(profile ? `/profiles/${result.data.id}?saved=${result.data.version}` : `/profiles/${result.data.id}?created=1`);
    },
    onError: () => showError({ ok: false, error: 'The server could not be reached; nothing was saved. Try again.', code: 'unavailable' }),
  });

  function showError(result: unknown) {
    const r = result as Extract<ActionResult, { ok: false }>;
    setPreview(null);
    setError({ message: r.error ?? 'Something went wrong; nothing was saved.', conflict: r.code === 'conflict', fields: r.fieldErrors });
  }

  const startSave = (mode: Mode) => {
    setStatus(null);
    if (!name.trim()) {
      setError({ message: 'Name is required.', conflict: false, fields: { name: ['Name is required'] } });
      return;
    }
    previewMutation.mutate(mode);
  };

  return (
    <div className="space-y-6">
      {error ? (
        <Alert>
          <p>{error.message}</p>
          {error.fields?.permissions?.slice(1).map((m) => (
            <p key={m}>{m}</p>
          ))}
          {error.conflict ? (
            <Button variant="secondary" className="mt-2" onClick={() => window.location.reload()}>
              Reload
            </Button>
          ) : null}
        </Alert>
      ) : null}
      {status ? <Alert tone="success">{status}</Alert> : null}

      <section aria-labelledby="details-title" className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
        <h2 id="details-title" className="sr-only">
          Details
        </h2>
        <TextField
          id="profile-name"
          label="Name"
          value={name}
          maxLength={200}
          required
          onChange={(e) => setName(e.target.value)}
          error={error?.fields?.name?.[0]}
        />
        <TextField
          id="profile-description"
          label="Description (optional)"
          value={description}
          maxLength={2000}
          onChange={(e) => setDescription(e.target.value)}
        />
        <p className="text-sm text-slate-600 sm:col-span-2">
          Role: <strong>{role.name}</strong>
        </p>
      </section>

      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-medium">Permissions</h2>
        <Button
          variant="secondary"
          onClick={() =>
            restoreDiff.added.length || restoreDiff.removed.length ? setRestoreOpen(true) : setStatus('The permissions are already at the role defaults.')
          }
        >
          Restore defaults
        </Button>
      </div>

      <PermissionToggleList
        core={role.core}
        roleName={role.name}
        rows={rolePermissions}
        enabled={enabled}
        saved={savedSet}
        addedBecause={addedBecause}
        nameOf={nameOf}
        onToggle={onToggle}
      />

      <section aria-labelledby="save-title" className="sticky bottom-0 space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="save-title" className="sr-only">
          Save
        </h2>
        <TextField id="version-note" label="Note for this version (optional)" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => startSave('apply')} disabled={previewMutation.isPending || saveMutation.isPending}>
            Save and apply
          </Button>
          <Button variant="secondary" onClick={() => startSave('new-users')} disabled={previewMutation.isPending || saveMutation.isPending}>
            Save for new users only
          </Button>
        </div>
        <p className="text-xs text-slate-600">
          &ldquo;Save and apply&rdquo; moves everyone holding this profile to the new version. &ldquo;Save for new users only&rdquo; keeps current holders on
          the version they have.
        </p>
      </section>

      <ConfirmDialog
        open={pendingOff !== null}
        onOpenChange={(open) => !open && setPendingOff(null)}
        title={`Turn off "${pendingOff ? nameOf.get(pendingOff.key) : ''}"?`}
        confirmLabel="Turn them off too"
        onConfirm={() => {
          if (pendingOff) turnOff([pendingOff.key, ...pendingOff.dependents]);
          setPendingOff(null);
        }}
      >
        <p>These permissions need it and would be turned off with it:</p>
        <ul className="list-disc pl-5">
          {pendingOff?.dependents.map((k) => (
            <li key={k}>{nameOf.get(k)}</li>
          ))}
        </ul>
      </ConfirmDialog>

      <ConfirmDialog
        open={restoreOpen}
        onOpenChange={setRestoreOpen}
        title="Restore the role defaults?"
        confirmLabel="Restore"
        onConfirm={() => {
          setEnabled(new Set(defaults));
          setAddedBecause(new Map());
          setRestoreOpen(false);
          setStatus('Restored the role defaults. Nothing is saved until you save.');
        }}
      >
        <p>This changes the draft only; nothing is saved yet.</p>
        {restoreDiff.added.length ? (
          <>
            <p className="font-medium">Turns on:</p>
            <ul className="list-disc pl-5">
              {restoreDiff.added.map((k) => (
                <li key={k}>{nameOf.get(k)}</li>
              ))}
            </ul>
          </>
        ) : null}
        {restoreDiff.removed.length ? (
          <>
            <p className="font-medium">Turns off:</p>
            <ul className="list-disc pl-5">
              {restoreDiff.removed.map((k) => (
                <li key={k}>{nameOf.get(k)}</li>
              ))}
            </ul>
          </>
        ) : null}
      </ConfirmDialog>

      <ConfirmDialog
        open={preview !== null}
        onOpenChange={(open) => !open && setPreview(null)}
        title="Impact preview"
        confirmLabel={preview?.mode === 'apply' ? 'Confirm: save and apply' : 'Confirm: save for new users only'}
        pending={saveMutation.isPending}
        onConfirm={() => preview && saveMutation.mutate(preview.mode)}
      >
        {preview ? <ImpactSummary impact={preview.impact} isNew={!profile} /> : null}
      </ConfirmDialog>
    </div>
  );
}

function ImpactSummary({ impact, isNew }: { impact: ProfileImpact; isNew: boolean }) {
  return (
    <>
      <p>
        {isNew
          ? 'A new profile: nobody holds it yet.'
          : `${impact.affectedUsers} user${impact.affectedUsers === 1 ? '' : 's'} affected now (${impact.holders} hold this profile${impact.holdersBehind ? `, ${impact.holdersBehind} of them on an older version` : ''}).`}
      </p>
      {impact.warnings.map((w) => (
        <p key={w} className="rounded border border-amber-300 bg-amber-50 p-2 text-amber-900" role="note">
          {w}
        </p>
      ))}
      <p className="font-medium">Gained ({impact.gains.length}):</p>
      {impact.gains.length ? (
        <ul className="list-disc pl-5">
          {impact.gains.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      ) : (
        <p>Nothing.</p>
      )}
      <p className="font-medium">Lost ({impact.losses.length}):</p>
      {impact.losses.length ? (
        <ul className="list-disc pl-5">
          {impact.losses.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      ) : (
        <p>Nothing.</p>
      )}
    </>
  );
}
