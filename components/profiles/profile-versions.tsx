'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult } from '@/lib/dal';
import { applyProfileToAllAction, profileVersionDiffAction, rollbackProfileAction } from '@/app/(console)/profiles/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { SelectField } from '@/components/ui/field';
import { DataTable } from '@/components/ui/table';

interface Version {
  version: number;
  note: string;
  createdByName: string | null;
  createdAt: number;
  holders: number;
}

/** Versions with their holders: compare any one with the current, roll back, bring everyone up to date. */
export function ProfileVersions({ profile, versions }: { profile: { id: number; rowVersion: number; headVersion: number }; versions: Version[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'apply' } | { kind: 'rollback'; version: number } | null>(null);
  const [diff, setDiff] = useState<{ from: number; to: number; added: string[]; removed: string[] } | null>(null);
  const behind = versions.filter((v) => v.version !== profile.headVersion).reduce((n, v) => n + v.holders, 0);

  const settle = (result: ActionResult<unknown>, success: string) => {
    setConfirm(null);
    if (!result.ok) return setMessage({ tone: 'error', text: result.error });
    setMessage({ tone: 'success', text: success });
    router.refresh();
  };
  const apply = useMutation({
    mutationFn: () => applyProfileToAllAction({ id: profile.id, rowVersion: profile.rowVersion }),
    onSuccess: (r) => settle(r, `Every holder is now on version ${profile.headVersion}.`),
  });
  const rollback = useMutation({
    mutationFn: (version: number) => rollbackProfileAction({ id: profile.id, rowVersion: profile.rowVersion, version, mode: 'apply' }),
    onSuccess: (r, version) => settle(r, `Rolled back: version ${profile.headVersion + 1} equals version ${version}, applied to every holder.`),
  });
  const [pair, setPair] = useState({ from: String(versions[1]?.version ?? ''), to: String(profile.headVersion) });
  const compare = useMutation({
    mutationFn: ({ from, to }: { from: number; to: number }) => profileVersionDiffAction({ id: profile.id, from, to }),
    onSuccess: (r) => (r.ok ? setDiff(r.data) : setMessage({ tone: 'error', text: r.error })),
  });

  return (
    <section aria-labelledby="versions-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="versions-title" className="text-lg font-medium">
          Versions and holders
        </h2>
        {behind > 0 ? (
          <Button variant="secondary" onClick={() => setConfirm({ kind: 'apply' })}>
            Apply to all holders
          </Button>
        ) : null}
      </div>
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <DataTable caption="Versions" columns={['Version', 'Note', 'Saved by', 'When', 'Users on it', 'Actions']}>
        {versions.map((v) => (
          <tr key={v.version}>
            <td className="px-3 py-2 font-medium">
              v{v.version}
              {v.version === profile.headVersion ? ' (current)' : ''}
            </td>
            <td className="px-3 py-2">{v.note || '—'}</td>
            <td className="px-3 py-2">{v.createdByName ?? 'system'}</td>
            <td className="px-3 py-2">{new Date(v.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC</td>
            <td className="px-3 py-2">{v.holders}</td>
            <td className="px-3 py-2">
              {v.version !== profile.headVersion ? (
                <div className="flex flex-wrap gap-2">
                  <Button variant="ghost" onClick={() => compare.mutate({ from: v.version, to: profile.headVersion })}>
                    Compare v{v.version} with current
                  </Button>
                  <Button variant="ghost" onClick={() => setConfirm({ kind: 'rollback', version: v.version })}>
                    Roll back to version {v.version}
                  </Button>
                </div>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
      {versions.length > 1 ? (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            compare.mutate({ from: Number(pair.from), to: Number(pair.to) });
          }}
        >
          <SelectField id="diff-from" label="Compare version" value={pair.from} onChange={(e) => setPair({ ...pair, from: e.target.value })}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </SelectField>
          <SelectField id="diff-to" label="with version" value={pair.to} onChange={(e) => setPair({ ...pair, to: e.target.value })}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </SelectField>
          <Button type="submit" variant="secondary">
            Show differences
          </Button>
        </form>
      ) : null}
      {diff ? (
        <div
          className="rounded-lg border border-slate-200 bg-white p-4 text-sm"
          role="region"
          aria-label={`Differences between version ${diff.from} and version ${diff.to}`}
        >
          <p className="font-medium">
            From v{diff.from} to v{diff.to}
          </p>
          {diff.added.length === 0 && diff.removed.length === 0 ? <p>No differences in permissions.</p> : null}
          {diff.added.length ? <p>Turned on: {diff.added.join(', ')}</p> : null}
          {diff.removed.length ? <p>Turned off: {diff.removed.join(', ')}</p> : null}
        </div>
      ) : null}
      <ConfirmDialog
        open={confirm !== null}
        onOpenChange={(open) => !open && setConfirm(null)}
        title={confirm?.kind === 'rollback' ? `Roll back to version ${confirm.version}?` : 'Apply the current version to all holders?'}
        confirmLabel={confirm?.kind === 'rollback' ? 'Roll back' : 'Apply to all'}
        pending={apply.isPending || rollback.isPending}
        onConfirm={() => (confirm?.kind === 'rollback' ? rollback.mutate(confirm.version) : apply.mutate())}
      >
        {confirm?.kind === 'rollback' ? (
          <p>A new version equal to version {confirm.version} is saved and every holder moves to it.</p>
        ) : (
          <p>
            {behind} user(s) on older versions move to version {profile.headVersion}.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
