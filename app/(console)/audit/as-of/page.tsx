import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { auditFilterOptions, DalError, effectivePermissionsAsOf, type PermissionsAsOf } from '@/lib/dal';
import { firstValues } from '@/lib/search-params';
import { readForPage } from '@/components/shell/dal-page';
import { NoAccess } from '@/components/shell/no-access';
import { EffectivePermissions } from '@/components/users/effective-permissions';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

export const metadata: Metadata = { title: 'Permissions as of' };

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

export default async function PermissionsAsOfPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await pagePrincipal();
  const params = firstValues(await searchParams);
  // The same readers as the trail; asking also tells whether people are shown by pseudonym.
  const { data: options, fallback } = readForPage('the audit trail', () => auditFilterOptions({ ctx }));
  if (fallback) return fallback;

  let result: PermissionsAsOf | null = null;
  let problem: string | null = null;
  if (params.user !== undefined || params.at !== undefined) {
    try {
      result = effectivePermissionsAsOf({ ctx, input: { user: params.user ?? '', at: params.at ?? '' } });
    } catch (error) {
      if (!(error instanceof DalError)) throw error;
      if (error.code === 'forbidden') return <NoAccess what="the audit trail" reason={error.message} />;
      problem = error.message;
    }
  }

  return (
    <div className="space-y-4">
      <Link href="/audit" className="text-sm text-brand-700 underline">
        ← Audit
      </Link>
      <h1 className="text-2xl font-semibold">Permissions as of a past moment</h1>
      <p className="text-sm text-slate-600">
        What a user could do at a given date and time, rebuilt from the audit trail alone: his profiles and the versions he was on, his overrides and the
        account features then.
      </p>
      <form
        method="get"
        action="/audit/as-of"
        aria-label="Choose a user and a moment"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3"
      >
        <TextField
          id="user"
          name="user"
          label={options.pseudonyms ? 'User (pseudonym as the trail shows it, or you)' : 'User (login name)'}
          defaultValue={params.user}
          maxLength={200}
          required
        />
        <TextField
          id="at"
          name="at"
          type="datetime-local"
          step={1}
          label="Date and time (UTC)"
          defaultValue={params.at ?? new Date().toISOString().slice(0, 19)}
          required
        />
        <div className="flex items-end">
          <button type="submit" className={buttonClass('primary')}>
            Show permissions
          </button>
        </div>
      </form>
      {problem ? <Alert>{problem}</Alert> : null}
      {result ? (
        <section aria-labelledby="as-of-title" className="space-y-3">
          <h2 id="as-of-title" className="text-xl font-semibold">
            {result.user.shownAs} as of {when(result.at)}
          </h2>
          <p className="text-sm text-slate-600">
            {result.user.status === 'active' ? 'Active' : 'Deactivated (could not sign in)'} then; his last change before that moment was recorded{' '}
            {when(result.user.since)}.
            {result.user.id !== null ? (
              <>
                {' '}
                <Link href={`/users/${result.user.id}`} className="text-brand-700 underline">
                  His page today
                </Link>
              </>
            ) : null}
          </p>
          <ul aria-label="Profiles then" className="list-disc pl-6 text-sm">
            {result.profiles.length === 0 ? <li>No profile</li> : null}
            {result.profiles.map((p) => (
              <li key={p.profileId}>
                {p.name} ({p.roleName}), version {p.version}
              </li>
            ))}
          </ul>
          <EffectivePermissions permissions={result.permissions} channels={result.channels} />
        </section>
      ) : null}
    </div>
  );
}
