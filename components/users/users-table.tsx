'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { UserFormOptions, UserRow } from '@/lib/dal';
import { queryString } from '@/lib/search-params';
import { BulkActions } from './bulk-actions';

const COLUMNS = [
  { key: 'name', label: 'Name', sortable: true },
  { key: 'loginName', label: 'Login name', sortable: true },
  { key: 'email', label: 'Email', sortable: true },
  { key: 'nickname', label: 'Nickname', sortable: false },
  { key: 'profiles', label: 'Profiles', sortable: false },
  { key: 'group', label: 'Group', sortable: false },
  { key: 'status', label: 'Status', sortable: true },
] as const;

/** The users of one page; with bulk options, rows can be selected for a bulk action. */
export function UsersTable({
  rows,
  sort,
  dir,
  keep,
  bulk,
}: {
  rows: UserRow[];
  sort: string;
  dir: 'asc' | 'desc';
  keep: Record<string, string | undefined>;
  bulk: UserFormOptions | null;
}) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggle = (id: number) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  return (
    <div className="space-y-2">
      {bulk ? <BulkActions options={bulk} users={rows.filter((r) => selected.has(r.id))} onDone={() => setSelected(new Set())} /> : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Users</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              {bulk ? (
                <th scope="col" className="w-8 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all users on this page"
                    checked={allOnPage}
                    onChange={() => setSelected(allOnPage ? new Set() : new Set(rows.map((r) => r.id)))}
                  />
                </th>
              ) : null}
              {COLUMNS.map((c) => {
                const active = c.sortable && sort === c.key;
                const nextDir = active && dir === 'asc' ? 'desc' : 'asc';
                return (
                  <th
                    key={c.key}
                    scope="col"
                    className="px-3 py-2 font-medium text-slate-700"
                    aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    {c.sortable ? (
                      <Link href={`/users${queryString({ ...keep, sort: c.key, dir: nextDir })}`} className="inline-flex items-center gap-1 hover:underline">
                        {c.label}
                        <span aria-hidden="true">{active ? (dir === 'asc' ? '▲' : '▼') : ''}</span>
                        <span className="sr-only">{`, sort ${nextDir === 'asc' ? 'ascending' : 'descending'}`}</span>
                      </Link>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((u) => (
              <tr key={u.id} className="hover:bg-slate-50">
                {bulk ? (
                  <td className="px-3 py-2">
                    <input type="checkbox" aria-label={`Select ${u.name}`} checked={selected.has(u.id)} onChange={() => toggle(u.id)} />
                  </td>
                ) : null}
                <td className="px-3 py-2 font-medium">
                  <Link href={`/users/${u.id}`} className="text-brand-700 hover:underline">
                    {u.name}
                  </Link>
                </td>
                <td className="px-3 py-2">{u.loginName}</td>
                <td className="px-3 py-2">{u.email}</td>
                <td className="px-3 py-2">{u.nickname}</td>
                <td className="px-3 py-2">
                  <ul className="flex flex-wrap gap-1">
                    {u.profiles.map((p) => (
                      <li key={p.id} className="rounded bg-slate-100 px-2 py-0.5 text-xs">
                        {p.name} <span className="text-slate-600">({p.roleName})</span>
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="px-3 py-2">{u.group?.name ?? '—'}</td>
                <td className="px-3 py-2">
                  <span className={u.status === 'active' ? 'text-green-700' : 'text-slate-600'}>{u.status === 'active' ? 'Active' : 'Deactivated'}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
