import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { compareProfiles, DalError, listProfiles } from '@/lib/dal';
import { firstValues } from '@/lib/search-params';
import { NoAccess } from '@/components/shell/no-access';
import { SelectField } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';

export const metadata: Metadata = { title: 'Compare profiles' };

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await getPrincipal();
  if (!ctx) redirect('/login');
  const params = firstValues(await searchParams);
  let profiles;
  try {
    profiles = listProfiles({ ctx, input: {} });
  } catch (error) {
    if (error instanceof DalError && error.code === 'forbidden') return <NoAccess what="profiles" reason={error.message} />;
    throw error;
  }
  let comparison = null;
  let problem: string | null = null;
  if (params.a && params.b) {
    try {
      comparison = compareProfiles({ ctx, input: { a: params.a, b: params.b } });
    } catch (error) {
      if (!(error instanceof DalError)) throw error;
      problem = error.message;
    }
  }
  return (
    <div className="space-y-4">
      <Link href="/profiles" className="text-sm text-brand-700 underline">
        ← Profiles
      </Link>
      <h1 className="text-2xl font-semibold">Compare profiles</h1>
      <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Choose profiles to compare">
        {(['a', 'b'] as const).map((side, i) => (
          <SelectField key={side} id={`compare-${side}`} name={side} label={i === 0 ? 'First profile' : 'Second profile'} defaultValue={params[side]}>
            <option value="">Choose…</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.roleName})
              </option>
            ))}
          </SelectField>
        ))}
        <button type="submit" className={buttonClass('primary')}>
          Compare
        </button>
      </form>
      {problem ? <Alert>{problem}</Alert> : null}
      {comparison ? (
        <>
          <p role="status">
            {comparison.differences} permission{comparison.differences === 1 ? '' : 's'} differ{comparison.differences === 1 ? 's' : ''}; they are listed first.
          </p>
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Comparison</caption>
              <thead className="bg-slate-50 text-left">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    Permission
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Category
                  </th>
                  <th scope="col" className="px-3 py-2">
                    {comparison.a.name}
                  </th>
                  <th scope="col" className="px-3 py-2">
                    {comparison.b.name}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {comparison.rows.map((r) => (
                  <tr key={r.key} className={r.a !== r.b ? 'bg-amber-50' : ''}>
                    <td className="px-3 py-2">{r.name}</td>
                    <td className="px-3 py-2 text-slate-600">{r.category}</td>
                    <td className="px-3 py-2">{r.a ? 'On' : 'Off'}</td>
                    <td className="px-3 py-2">{r.b ? 'On' : 'Off'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}
