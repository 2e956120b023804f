import type { Metadata } from 'next';
import { pagePrincipal } from '@/lib/auth/principal';
import { listRoles } from '@/lib/dal';
import { readForPage } from '@/components/shell/dal-page';

export const metadata: Metadata = { title: 'Roles' };

export default async function RolesPage() {
  const ctx = await pagePrincipal();
  const { data: roles, fallback } = readForPage('roles', () => listRoles({ ctx }));
  if (fallback) return fallback;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Roles</h1>
      <p className="text-sm text-slate-600">
        The built-in roles of the {ctx.catalog.title} catalog. A role defines the scope of a user&apos;s work; profiles are permission sets within a role.
        Built-in roles cannot be edited or deleted.
      </p>
      {roles.map((role) => (
        <details key={role.key} className="rounded-lg border border-slate-200 bg-white p-4">
          <summary className="cursor-pointer">
            <span className="font-medium">{role.name}</span>{' '}
            <span className="text-sm text-slate-600">
              · rank {role.rank} · built-in · {role.profiles} profile{role.profiles === 1 ? '' : 's'} · {role.users} user{role.users === 1 ? '' : 's'}
            </span>
          </summary>
          <h2 className="mt-3 text-sm font-medium">Core permissions (always on)</h2>
          <ul className="list-disc pl-5 text-sm">
            {role.core.map((c) => (
              <li key={c.key}>{c.name}</li>
            ))}
          </ul>
          <h2 className="mt-3 text-sm font-medium">Configurable permissions and their default state</h2>
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
