import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { listRoles } from '@/lib/dal';
import { firstValues } from '@/lib/search-params';
import { readForPage } from '@/components/shell/dal-page';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { DataTable, cell } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Roles' };

export default async function RolesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await pagePrincipal();
  const params = firstValues(await searchParams);
  const { data: roles, fallback } = readForPage('roles', () => listRoles({ ctx }));
  if (fallback) return fallback;
  const custom = roles.filter((r) => !r.builtIn);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">Roles</h1>
        <Link href="/roles/new" className={buttonClass('primary')}>
          Add role
        </Link>
      </div>
      {params.deleted ? <Alert tone="success">Role deleted.</Alert> : null}
      <p className="text-sm text-slate-600">
        A role defines the scope of a user&apos;s work; profiles are permission sets within a role. The built-in roles of the {ctx.catalog.title} catalog cannot
        be edited or deleted; a custom role is based on one of them, with its own rank and default permissions.
      </p>
      <h2 className="text-lg font-medium">Custom roles</h2>
      {custom.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center">
          No custom roles yet. &ldquo;Add role&rdquo; creates one from a built-in role.
        </p>
      ) : (
        <DataTable caption="Custom roles" columns={['Role', 'Based on', 'Rank', 'Profiles', 'Users']}>
          {custom.map((r) => (
            <tr key={r.key}>
              <td className={cell}>
                <Link href={`/roles/${r.key}`} className="text-brand-700 hover:underline">
                  {r.name}
                </Link>
              </td>
              <td className={cell}>{r.baseRoleName}</td>
              <td className={cell}>{r.rank}</td>
              <td className={cell}>{r.profiles}</td>
              <td className={cell}>{r.users}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2 className="text-lg font-medium">Built-in roles</h2>
      {roles
        .filter((r) => r.builtIn)
        .map((role) => (
          <details key={role.key} className="rounded-lg border border-slate-200 bg-white p-4">
            <summary className="cursor-pointer">
              <span className="font-medium">{role.name}</span>{' '}
              <span className="text-sm text-slate-600">
                · rank {role.rank} · built-in, locked · {role.profiles} profile{role.profiles === 1 ? '' : 's'} · {role.users} user{role.users === 1 ? '' : 's'}
              </span>
            </summary>
            <h3 className="mt-3 text-sm font-medium">Core permissions (always on)</h3>
            <ul className="list-disc pl-5 text-sm">
              {role.core.map((c) => (
                <li key={c.key}>{c.name}</li>
              ))}
            </ul>
            <h3 className="mt-3 text-sm font-medium">Configurable permissions and their default state</h3>
            <ul className="grid gap-x-6 text-sm sm:grid-cols-2">
              {role.permissions.map((p) => (
                <li key={p.key} className="flex justify-between gap-2 border-b border-slate-100 py-1">
                  <span>{p.name}</span>
                  <span className="shrink-0 text-slate-600">
                    {p.on ? 'On' : 'Off'}
                    {p.default === 'account' ? ' (account)' : ''}
                  </span>
                </li>
              ))}
            </ul>
          </details>
        ))}
    </div>
  );
}
