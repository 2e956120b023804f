'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { outcomeOfResult, outcomeOfThrown, type Outcome } from '@/lib/query/action-mutation';
import { ActionOutcome } from '@/components/ui/action-outcome';
import { useUnsavedGuard } from '@/components/shell/use-unsaved-guard';
import { buttonClass } from '@/components/ui/button';
import { ImpactPeople } from './impact-people';
import { toast } from 'sonner';
import type { ActionResult, ChannelOption, ProfileImpact, ProfilePermissionRow } from '@/lib/dal';
import type { Level } from '@/lib/permissions/channels';
import { ChannelLevelsEditor } from './channel-levels-editor';
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
export function PermissionSetEditor(props: EditorProps) {
  // "Discard changes" starts the editor afresh from what is saved.
  const [generation, setGeneration] = useState(0);
  return <Editor key={generation} {...props} onDiscard={() => setGeneration((g) => g + 1)} />;
}

interface EditorProps {
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
  /** The saved profile whose holders the impact preview names (none for a new one). */
  impactProfileId?: number | null;
  /** Where "Close" goes. */
  closeHref: string;
  /** Sections after the editor the jump list offers (Versions). */
  jumps?: { id: string; label: string }[];
}

function Editor({
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
  impactProfileId = null,
  closeHref,
  jumps = [],
  onDiscard,
}: EditorProps & { onDiscard: () => void }) {
  const router = useRouter();
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [rankValue, setRankValue] = useState(rank?.value ?? 1);
  const [note, setNote] = useState('');
  const [pendingPreview, setPendingPreview] = useState<{ mode: SaveMode; impact: ProfileImpact } | null>(null);
  const [error, setError] = useState<Outcome | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [discarding, setDiscarding] = useState(false);
  const [channelDraft, setChannelDraft] = useState<Record<string, Level>>(() => (channels ? { ...(isNew ? channels.defaults : channels.saved) } : {}));
  const channelBaseline = channels ? (isNew ? channels.defaults : channels.saved) : {};
  const permissions = usePermissionDraft({
    rows,
    initial: isNew ? defaults : saved,
    defaults,
    saved,
    core,
    roleName,
    onChange: setStatus,
    jumps: [...(channels && channels.options.length ? [{ id: 'channels-title', label: 'Channels' }] : []), ...jumps],
  });

  // What is unsaved, counted as a person would: each permission, channel and field changed.
  const channelChangesCount = new Set([...Object.keys(channelDraft), ...Object.keys(channelBaseline)].filter((k) => channelDraft[k] !== channelBaseline[k]))
    .size;
  const fieldChanges = Number(name !== initial.name) + Number(description !== initial.description) + Number(rank ? rankValue !== rank.value : false);
  const pending = permissions.changed + channelChangesCount + fieldChanges + Number(note.trim() !== '');
  useUnsavedGuard(pending, `You have ${pending} unsaved change${pending === 1 ? '' : 's'}. Leave without saving?`);
  const showBar = isNew || pending > 0;

  const showError = (failed: Outcome) => {
    setPendingPreview(null);
    setError(failed);
    toast.error(
      failed.kind === 'conflict' ? 'Save: not saved, changed by someone else' : failed.kind === 'network' ? 'Save: not sent, no connection' : 'Save: refused',
    );
  };

  const previewing = useMutation({
    mutationFn: (mode: SaveMode) => preview(permissions.draft, mode, channelDraft).then((r) => ({ r, mode })),
    onSuccess: ({ r, mode }) => {
      if (!r.ok) return showError(outcomeOfResult(r, ''));
      setError(null);
      setPendingPreview({ mode, impact: r.data });
    },
    onError: (e) => showError(outcomeOfThrown(e)),
  });
  const saving = useMutation({
    mutationFn: (mode: SaveMode) => save({ name, description, rank: rankValue, note, permissions: permissions.draft, channels: channelDraft, mode }),
    onSuccess: (r) => {
      setPendingPreview(null);
      if (!r.ok) return showError(outcomeOfResult(r, ''));
      setError(null);
      setNote('');
      permissions.reset();
      toast.success(`${isNew ? `Create ${kind}` : 'Save'}: done`);
      // The page re-renders (and remounts this editor): the message travels in the URL.
      router.replace(r.data.href);
    },
    onError: (e) => showError(outcomeOfThrown(e)),
  });

  const startSave = (mode: SaveMode) => {
    setStatus(null);
    if (!name.trim()) return setError({ kind: 'refused', text: 'Name is required.', fieldErrors: { name: ['Name is required'] } });
    previewing.mutate(mode);
  };
  const busy = previewing.isPending || saving.isPending;

  return (
    <div className="space-y-6">
      {status ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-4 py-3 text-sm text-green-800">
          {status}
        </p>
      ) : null}

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
          error={error?.fieldErrors?.name?.[0]}
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
            error={error?.fieldErrors?.rank?.[0]}
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

      {showBar ? (
        <section
          aria-labelledby="save-title"
          className="sticky bottom-0 z-10 max-h-[60vh] space-y-3 overflow-y-auto rounded-lg border border-slate-200 bg-white p-4 shadow-lg"
        >
          <h2 id="save-title" className="text-sm font-medium">
            {isNew ? `New ${kind}: not saved yet` : `${pending} unsaved change${pending === 1 ? '' : 's'}`}
          </h2>
          {/* A refusal or conflict shows here, at the buttons the person used, and takes the focus. */}
          <ActionOutcome outcome={error}>
            {(error?.fieldErrors?.permissions ?? error?.fieldErrors?.defaults)?.slice(1).map((m) => (
              <p key={m}>{m}</p>
            ))}
            {error?.kind === 'conflict' ? (
              <Button variant="secondary" className="mt-2" onClick={() => window.location.reload()}>
                Reload
              </Button>
            ) : null}
          </ActionOutcome>
          <TextField id="version-note" label="Note for this version (optional)" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => startSave('apply')} disabled={busy}>
              Save and apply
            </Button>
            <Button variant="secondary" onClick={() => startSave('new-users')} disabled={busy}>
              Save for new users only
            </Button>
            {pending > 0 ? (
              <Button variant="ghost" onClick={() => setDiscarding(true)} disabled={busy}>
                Discard changes
              </Button>
            ) : null}
            <Link href={closeHref} className={buttonClass('ghost')}>
              Close
            </Link>
          </div>
          <p className="text-xs text-slate-600">
            &ldquo;Save and apply&rdquo; moves everyone holding {kind === 'role' ? "the role's default profile" : 'this profile'} to the new version.
            &ldquo;Save for new users only&rdquo; keeps current holders on the version they have.
          </p>
        </section>
      ) : (
        <p className="text-sm text-slate-600" role="status">
          No unsaved changes.{' '}
          <Link href={closeHref} className="text-brand-700 underline">
            Close
          </Link>
        </p>
      )}

      <ConfirmDialog
        open={discarding}
        onOpenChange={setDiscarding}
        title={`Discard ${pending} unsaved change${pending === 1 ? '' : 's'}?`}
        confirmLabel="Discard"
        tone="danger"
        onConfirm={() => {
          setDiscarding(false);
          onDiscard();
        }}
      >
        <p>The editor goes back to what is saved.</p>
      </ConfirmDialog>

      <ConfirmDialog
        open={pendingPreview !== null}
        onOpenChange={(open) => !open && setPendingPreview(null)}
        title="Impact preview"
        confirmLabel={pendingPreview?.mode === 'apply' ? 'Confirm: save and apply' : 'Confirm: save for new users only'}
        pending={saving.isPending}
        onConfirm={() => pendingPreview && saving.mutate(pendingPreview.mode)}
      >
        {pendingPreview ? (
          <>
            <ImpactSummary impact={pendingPreview.impact} isNew={isNew} kind={kind} />
            {impactProfileId && pendingPreview.mode === 'apply' ? (
              <ImpactPeople
                profileId={impactProfileId}
                change={{ kind: 'save', permissions: permissions.draft, ...(channels ? { channels: channelDraft } : {}) }}
              />
            ) : null}
          </>
        ) : null}
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
