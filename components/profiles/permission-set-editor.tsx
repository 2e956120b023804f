'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult, ChannelOption, ProfileImpact, ProfilePermissionRow } from '@/lib/dal';
import type { Level } from '@/lib/permissions/channels';
import { ChannelLevelsEditor } from './channel-levels-editor';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { usePermissionDraft } from './use-permission-draft';

export type SaveMode = 'apply' | 'new-users';
export interface SetFields {
  name: string;
  description: string;
  rank: number;
  note: string;
  permissions: string[];
  channels: Record<string, Level>;
  mode: SaveMode;
}

/**
 * Edits a named permission set, a profile or a custom role's defaults: details, the permissions
 * (see usePermissionDraft), then "Save and apply" or "Save for new users only", each behind an
 * impact preview. The caller supplies the preview and save actions and where to go after.
 */
export function PermissionSetEditor({
  kind,
  isNew,
  initial,
  rank,
  roleName,
  core,
  rows,
  defaults,
  saved,
  preview,
  save,
  channels,
}: {
  kind: 'profile' | 'role';
  isNew: boolean;
  initial: { name: string; description: string };
  rank?: { value: number; max: number };
  roleName: string;
  core: { key: string; name: string }[];
  rows: ProfilePermissionRow[];
  defaults: string[];
  saved: string[];
  preview: (permissions: string[], mode: SaveMode, channels: Record<string, Level>) => Promise<ActionResult<ProfileImpact>>;
  save: (fields: SetFields) => Promise<ActionResult<{ href: string }>>;
  /** Channel levels, for profiles: the options, the role's defaults and the saved version's. */
  channels?: { options: ChannelOption[]; defaults: Record<string, Level>; saved: Record<string, Level> };
}) {
  const router = useRouter();
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [rankValue, setRankValue] = useState(rank?.value ?? 1);
  const [note, setNote] = useState('');
  const [pendingPreview, setPendingPreview] = useState<{ mode: SaveMode; impact: ProfileImpact } | null>(null);
  const [error, setError] = useState<{ message: string; conflict: boolean; fields?: Record<string, string[]> } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [channelDraft, setChannelDraft] = useState<Record<string, Level>>(() => (channels ? { ...(isNew ? channels.defaults : channels.saved) } : {}));
  const permissions = usePermissionDraft({ rows, initial: isNew ? defaults : saved, defaults, saved, core, roleName, onChange: setStatus });

  const showError = (r: Extract<ActionResult, { ok: false }>) => {
    setPendingPreview(null);
    setError({ message: r.error, conflict: r.code === 'stale', fields: r.fieldErrors });
  };
  const unreachable = { ok: false as const, error: 'The server could not be reached; nothing was saved. Try again.', code: 'unavailable' as const };

  const previewing = useMutation({
    mutationFn: (mode: SaveMode) => preview(permissions.draft, mode, channelDraft).then((r) => ({ r, mode })),
    onSuccess: ({ r, mode }) => {
      if (!r.ok) return showError(r);
      setError(null);
      setPendingPreview({ mode, impact: r.data });
    },
    onError: () => showError(unreachable),
  });
  const saving = useMutation({
    mutationFn: (mode: SaveMode) => save({ name, description, rank: rankValue, note, permissions: permissions.draft, channels: channelDraft, mode }),
    onSuccess: (r) => {
      setPendingPreview(null);
      if (!r.ok) return showError(r);
      setError(null);
      setNote('');
      permissions.reset();
      // The page re-renders (and remounts this editor): the message travels in the URL.
      router.replace(r.data.href);
    },
    onError: () => showError(unreachable),
  });

  const startSave = (mode: SaveMode) => {
    setStatus(null);
    if (!name.trim()) return setError({ message: 'Name is required.', conflict: false, fields: { name: ['Name is required'] } });
    previewing.mutate(mode);
  };
  const busy = previewing.isPending || saving.isPending;

  return (
    <div className="space-y-6">
      {error ? (
        <Alert>
          <p>{error.message}</p>
          {(error.fields?.permissions ?? error.fields?.defaults)?.slice(1).map((m) => (
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
          id={`${kind}-name`}
          label="Name"
          value={name}
          maxLength={200}
          required
          onChange={(e) => setName(e.target.value)}
          error={error?.fields?.name?.[0]}
        />
        <TextField
          id={`${kind}-description`}
          label="Description (optional)"
          value={description}
          maxLength={2000}
          onChange={(e) => setDescription(e.target.value)}
        />
        {rank ? (
          <TextField
            id="role-rank"
            label={`Rank (1 to ${rank.max}; a user assigns only roles ranked at most his own)`}
            type="number"
            min={1}
            max={rank.max}
            step={1}
            value={rankValue}
            onChange={(e) => setRankValue(Number(e.target.value))}
            error={error?.fields?.rank?.[0]}
          />
        ) : null}
        <p className="text-sm text-slate-600 sm:col-span-2">
          {kind === 'role' ? 'Based on' : 'Role'}: <strong>{roleName}</strong>
        </p>
      </section>

      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-medium">{kind === 'role' ? 'Default permissions' : 'Permissions'}</h2>
        {permissions.restoreButton}
      </div>
      {permissions.list}
      {channels && channels.options.length ? (
        <ChannelLevelsEditor options={channels.options} value={channelDraft} saved={isNew ? {} : channels.saved} onChange={setChannelDraft} />
      ) : null}

      <section aria-labelledby="save-title" className="sticky bottom-0 space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="save-title" className="sr-only">
          Save
        </h2>
        <TextField id="version-note" label="Note for this version (optional)" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => startSave('apply')} disabled={busy}>
            Save and apply
          </Button>
          <Button variant="secondary" onClick={() => startSave('new-users')} disabled={busy}>
            Save for new users only
          </Button>
        </div>
        <p className="text-xs text-slate-600">
          &ldquo;Save and apply&rdquo; moves everyone holding {kind === 'role' ? "the role's default profile" : 'this profile'} to the new version. &ldquo;Save
          for new users only&rdquo; keeps current holders on the version they have.
        </p>
      </section>

      <ConfirmDialog
        open={pendingPreview !== null}
        onOpenChange={(open) => !open && setPendingPreview(null)}
        title="Impact preview"
        confirmLabel={pendingPreview?.mode === 'apply' ? 'Confirm: save and apply' : 'Confirm: save for new users only'}
        pending={saving.isPending}
        onConfirm={() => pendingPreview && saving.mutate(pendingPreview.mode)}
      >
        {pendingPreview ? <ImpactSummary impact={pendingPreview.impact} isNew={isNew} kind={kind} /> : null}
      </ConfirmDialog>
    </div>
  );
}

export function ImpactSummary({ impact, isNew, kind }: { impact: ProfileImpact; isNew: boolean; kind: 'profile' | 'role' }) {
  return (
    <>
      <p>
        {isNew
          ? `A new ${kind}: nobody holds it yet.`
          : `${impact.affectedUsers} user${impact.affectedUsers === 1 ? '' : 's'} affected now (${impact.holders} hold${impact.holders === 1 ? 's' : ''} it${impact.holdersBehind ? `, ${impact.holdersBehind} of them on an older version` : ''}).`}
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
