'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { BulkResult, UserFormOptions, UserRow } from '@/lib/dal';
import { applyBulkAction, previewBulkAction } from '@/app/(console)/users/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { SelectField } from '@/components/ui/field';

type Kind = 'assign-profile' | 'move-group' | 'add-skill' | 'deactivate';
const LABELS: Record<Kind, string> = {
  'assign-profile': 'Assign a profile',
  'move-group': 'Move to a group',
  'add-skill': 'Add a skill',
  deactivate: 'Deactivate',
};

function ResultList({ results, done }: { results: BulkResult[]; done: string }) {
  return (
    <ul className="max-h-72 space-y-1 overflow-y-auto">
      {results.map((r) => (
        <li key={r.userId} className={r.ok ? 'text-green-800' : 'text-red-800'}>
          <strong>{r.loginName}</strong>: {r.ok ? done : `refused: ${r.reason}`}
        </li>
      ))}
    </ul>
  );
}

/** A bulk action over the selected users: a preview of what happens to each, then a result per user. */
export function BulkActions({ options, users, onDone }: { options: UserFormOptions; users: UserRow[]; onDone: () => void }) {
  const router = useRouter();
  const [kind, setKind] = useState<Kind | ''>('');
  const [target, setTarget] = useState('');
  const [preview, setPreview] = useState<BulkResult[] | null>(null);
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const action = () =>
    kind === 'assign-profile'
      ? { kind, profileId: target }
      : kind === 'move-group'
        ? { kind, groupId: target }
        : kind === 'add-skill'
          ? { kind, skill: target }
          : { kind: 'deactivate' as const };
  const input = () => ({ userIds: users.map((u) => u.id), action: action() });
  const previewing = useMutation({
    mutationFn: () => previewBulkAction(input()),
    onSuccess: (r) => (r.ok ? (setError(null), setPreview(r.data)) : setError(r.error)),
  });
  const applying = useMutation({
    mutationFn: () => applyBulkAction(input()),
    onSuccess: (r) => {
      setPreview(null);
      if (!r.ok) return setError(r.error);
      setResults(r.data);
      onDone();
      router.refresh();
    },
  });
  if (users.length === 0 && !results) return <p className="text-sm text-slate-600">Select users to act on several at once.</p>;
  const willChange = preview?.filter((p) => p.ok).length ?? 0;
  return (
    <div className="space-y-2">
      {users.length ? (
        <form
          className="flex flex-wrap items-end gap-3 rounded-lg border border-brand-100 bg-brand-50 p-3"
          onSubmit={(e) => {
            e.preventDefault();
            previewing.mutate();
          }}
        >
          <p className="self-center text-sm font-medium">{users.length} selected</p>
          <SelectField id="bulk-action" label="Action" value={kind} onChange={(e) => (setKind(e.target.value as Kind), setTarget(''))}>
            <option value="">Choose…</option>
            {(Object.keys(LABELS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {LABELS[k]}
              </option>
            ))}
          </SelectField>
          {kind === 'assign-profile' ? (
            <SelectField id="bulk-target" label="Profile" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Choose…</option>
              {options.profilesByRole.flatMap((r) =>
                r.profiles.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({r.roleName})
                  </option>
                )),
              )}
            </SelectField>
          ) : null}
          {kind === 'move-group' ? (
            <SelectField id="bulk-target" label="Group" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Choose…</option>
              {options.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {`${'\u00a0\u00a0'.repeat(g.depth)}${g.name}`}
                </option>
              ))}
            </SelectField>
          ) : null}
          {kind === 'add-skill' ? (
            <SelectField id="bulk-target" label="Skill" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Choose…</option>
              {options.skills.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </SelectField>
          ) : null}
          <Button type="submit" disabled={!kind || (kind !== 'deactivate' && !target) || previewing.isPending}>
            Preview
          </Button>
        </form>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      <ConfirmDialog
        open={preview !== null}
        onOpenChange={(o) => !o && setPreview(null)}
        title={`${kind ? LABELS[kind as Kind] : ''}: preview`}
        confirmLabel={`Apply to ${willChange} user${willChange === 1 ? '' : 's'}`}
        pending={applying.isPending}
        onConfirm={() => applying.mutate()}
      >
        <p>Nothing has changed yet. Users marked refused are left as they are.</p>
        {preview ? <ResultList results={preview} done="will change" /> : null}
      </ConfirmDialog>
      <Dialog open={results !== null} onOpenChange={(o) => !o && setResults(null)} title="Bulk action: results">
        {results ? <ResultList results={results} done="done" /> : null}
        <div className="mt-4 flex justify-end">
          <Button onClick={() => setResults(null)}>Close</Button>
        </div>
      </Dialog>
    </div>
  );
}
