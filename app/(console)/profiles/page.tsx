import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { DalError, listProfiles, profileRoleChoices } from '@/lib/dal';
import { firstValues } from '@/lib/search-params';
import { NoAccess } from '@/components/shell/no-access';
import { SelectField } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { DataTable } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Profiles' };

export default async function ProfilesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await getPrincipal();
  if (!ctx) redirect('/login');
  const params = firstValues(await searchParams);
  let roles;
  let profiles;
  try {
    roles = profileRoleChoices({ ctx });
    profiles = listProfiles({ ctx, input: { role: params.role } });
  } catch (error) {
    if (error instanceof DalError && error.code === 'forbidden') return <NoAccess what="profiles" reason={error.message} />;
    if (error instanceof DalError && error.code === 'invalid') return <Alert>{error.message}</Alert>;
    throw error;
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">Profiles</h1>
        <div className="flex gap-2">
          {profiles.length >= 2 ? (
            <Link href="/profiles/compare" className={buttonClass('secondary')}>
              Compare profiles
            </Link>
          ) : null}
          <Link href="/profiles/new" className={buttonClass('primary')}>
            Add profile
          </Link>
        </div>
      </div>
      <form key={params.role ?? ''} method="get" className="flex items-end gap-2" aria-label="Filter profiles">
        <SelectField id="role" name="role" label="Role" defaultValue={params.role}>
          <option value="">All roles</option>
          {roles.map((r) => (
            <option key={r.key} value={r.key}>
              {r.name}
            </option>
          ))}
        </SelectField>
        <button type="submit" className={buttonClass('secondary')}>
          Filter
        </button>
      </form>
      {params.deleted ? <Alert tone="success">Profile deleted.</Alert> : null}
      {profiles.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">No profiles in this role yet.</div>
      ) : (
        <DataTable caption="Profiles" columns={['Name', 'Role', 'Description', 'Users', 'Version', 'Last change']}>
          {profiles.map((p) => (
            <tr key={p.id}>
              <td className="px-3 py-2 font-medium">
                {/* Underlined: the "Default" badge beside it makes the cell a line of text, where colour alone won't mark a link. */}
                <Link href={`/profiles/${p.id}`} className="text-brand-700 underline">
                  {p.name}
                </Link>
                {p.isDefault ? <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">Default</span> : null}
              </td>
              <td className="px-3 py-2">{p.roleName}</td>
              <td className="px-3 py-2 text-slate-600">{p.description}</td>
              <td className="px-3 py-2">{p.holders}</td>
              <td className="px-3 py-2">v{p.headVersion}</td>
              <td className="px-3 py-2 text-slate-600">
                {p.updatedByName ?? 'system'},{' '}
                <time dateTime={new Date(p.updatedAt).toISOString()}>{new Date(p.updatedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC</time>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
