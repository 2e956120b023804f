'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { profileImpactUsersAction } from '@/app/(console)/profiles/actions';
import type { ProfileImpactUsers } from '@/lib/dal';
import { profileKeys } from '@/lib/query/keys';
import { Button } from '@/components/ui/button';

export type ImpactChange =
  { kind: 'save'; permissions: string[]; channels?: Record<string, string> } | { kind: 'apply' } | { kind: 'rollback'; version: number };

/** The query a named impact runs: the key and the server action behind it (the page may prefetch the same). */
export function impactQuery(profileId: number, change: ImpactChange, q: string, after: string | null) {
  return {
    queryKey: profileKeys.impact(profileId, change, q, after),
    queryFn: async (): Promise<ProfileImpactUsers> => {
      const r = await profileImpactUsersAction({ id: profileId, change, q, after });
      if (!r.ok) throw new Error(r.error);
      return r.data;
    },
  };
}

/**
 * Who a change moves, by name: what each group of holders (by the version they are on) gains and
 * loses, then the people, searchable and a page at a time (keyset pages from lib/dal).
 */
export function ImpactPeople({ profileId, change }: { profileId: number; change: ImpactChange }) {
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const after = pages.at(-1) ?? null;
  const query = useQuery({ ...impactQuery(profileId, change, q, after), placeholderData: keepPreviousData });
  const data = query.data;
  return (
    <section aria-label="Affected users" className="space-y-2 border-t border-slate-200 pt-3">
      <h3 className="font-medium">Who is affected</h3>
      {query.isError ? (
        <p role="alert" className="text-red-800">
          {query.error.message}
        </p>
      ) : null}
      {data ? (
        <>
          {data.groups.length === 0 ? <p>Nobody&apos;s permissions change.</p> : null}
          {data.groups.map((g) => (
            <div key={g.fromVersion} role="group" aria-label={`Holders on version ${g.fromVersion}`} className="rounded border border-slate-200 p-2">
              <p className="font-medium">
                {g.holders} on version {g.fromVersion}
              </p>
              <p>Gain: {g.gains.length ? g.gains.join(', ') : 'nothing'}</p>
              <p>Lose: {g.losses.length ? g.losses.join(', ') : 'nothing'}</p>
            </div>
          ))}
          {data.groups.length ? (
            <>
              <label htmlFor="impact-search" className="block text-sm font-medium">
                Search affected users
              </label>
              <input
                id="impact-search"
                type="search"
                value={search}
                onChange={(e) => {
                  setSearch(e.target.value);
                  setPages([null]);
                }}
                className="block w-full rounded-md border border-slate-300 px-3 py-1.5"
              />
              <p role="status" aria-live="polite" className="text-xs text-slate-600">
                {data.total} user{data.total === 1 ? '' : 's'}
                {q ? ` matching "${q}"` : ''}
                {data.unnamed ? `; ${data.unnamed} more outside your group structure, not named` : ''}.
              </p>
              <ul aria-label="Affected users list" className="divide-y divide-slate-100 rounded border border-slate-200">
                {data.users.map((u) => (
                  <li key={u.id} className="flex justify-between gap-2 px-2 py-1">
                    <span>
                      {u.name} <span className="text-slate-600">({u.loginName})</span>
                      {u.status === 'deactivated' ? <span className="text-slate-600"> · deactivated</span> : null}
                    </span>
                    <span className="text-xs text-slate-600">from v{u.fromVersion}</span>
                  </li>
                ))}
              </ul>
              <div className="flex gap-2">
                {pages.length > 1 ? (
                  <Button variant="secondary" onClick={() => setPages((p) => p.slice(0, -1))}>
                    Previous users
                  </Button>
                ) : null}
                {data.next ? (
                  <Button variant="secondary" onClick={() => setPages((p) => [...p, data.next])}>
                    Next users
                  </Button>
                ) : null}
              </div>
            </>
          ) : null}
        </>
      ) : query.isPending ? (
        <p role="status">Finding who is affected…</p>
      ) : null}
    </section>
  );
}
