import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { DalError, listUsers, reachFor, userFilterOptions, userFormOptions, type UserFilterOptions, type UserPage } from '@/lib/dal';
import { CONSOLE, USER_ADMIN, USER_MANAGEMENT } from '@/lib/permissions/console';
import { buttonClass } from '@/components/ui/button';
import { firstValues, queryString } from '@/lib/search-params';
import { NoAccess } from '@/components/shell/no-access';
import { UserFilters } from '@/components/users/user-filters';
import { UsersTable } from '@/components/users/users-table';
import { Alert } from '@/components/ui/alert';

export const metadata: Metadata = { title: 'Users' };

const FILTER_KEYS = ['q', 'role', 'profile', 'group', 'status'] as const;

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await getPrincipal();
  if (!ctx) redirect('/login');
  const params = firstValues(await searchParams);

  let options: UserFilterOptions;
  let page: UserPage | null = null;
  let problem: string | null = null;
  try {
    options = userFilterOptions({ ctx });
  } catch (error) {
    if (error instanceof DalError && error.code === 'forbidden') return <NoAccess what="the users list" reason={error.message} />;
    throw error;
  }
  try {
    page = listUsers({ ctx, input: params });
  } catch (error) {
    if (!(error instanceof DalError) || error.code !== 'invalid') throw error;
    problem = error.message;
  }

  const filtered = FILTER_KEYS.some((k) => params[k]);
  // Display only: createUser authorizes on its own.
  const canAdd = reachFor(ctx, USER_MANAGEMENT, 'create') !== null;
  const bulk = canAdd ? userFormOptions({ ctx }) : null;
  const canExport = reachFor(ctx, [...USER_ADMIN, CONSOLE.exportUsersInGroup], 'view') !== null;
  const keep = Object.fromEntries(['q', 'role', 'profile', 'group', 'status', 'sort', 'dir', 'pageSize'].map((k) => [k, params[k]]));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Users</h1>
        <div className="flex items-center gap-3">
          {page ? (
            <p className="text-sm text-slate-600" role="status">
              {page.moreThanTotal ? `More than ${page.total.toLocaleString('en')} users` : page.total === 1 ? '1 user' : `${page.total} users`}
              {filtered ? ' match' : ''}
            </p>
          ) : null}
          {canExport && page && page.total > 0 ? (
            <a href={`/users/export${queryString(Object.fromEntries(FILTER_KEYS.map((k) => [k, params[k]])))}`} className={buttonClass('secondary')} download>
              Export CSV
            </a>
          ) : null}
          {canAdd ? (
            <Link href="/users/import" className={buttonClass('secondary')}>
              Import
            </Link>
          ) : null}
          {canAdd ? (
            <Link href="/users/new" className={buttonClass('primary')}>
              Add user
            </Link>
          ) : null}
        </div>
      </div>
      {params.deleted ? <Alert tone="success">User deleted.</Alert> : null}
      {/* Keyed by the query: after a client navigation ("Clear filters") the inputs show the URL's values, not stale ones. */}
      <UserFilters key={JSON.stringify(params)} options={options} values={params} />
      {problem ? (
        <Alert>
          {problem}{' '}
          <Link href="/users" className="underline">
            Clear filters
          </Link>
        </Alert>
      ) : null}
      {page && page.total === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
          {filtered ? (
            <>
              <p className="font-medium">No users match these filters.</p>
              <Link href="/users" className="mt-2 inline-block text-brand-700 underline">
                Clear filters
              </Link>
            </>
          ) : (
            <p className="font-medium">No users yet.</p>
          )}
        </div>
      ) : null}
      {page && page.total > 0 ? (
        <>
          <UsersTable rows={page.rows} sort={params.sort ?? 'name'} dir={params.dir === 'desc' ? 'desc' : 'asc'} keep={keep} bulk={bulk} />
          <nav aria-label="Pagination" className="flex justify-between">
            {page.prev ? (
              <Link
                className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-100"
                href={`/users${queryString({ ...keep, before: page.prev })}`}
              >
                Previous page
              </Link>
            ) : (
              <span />
            )}
            {page.next ? (
              <Link
                className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-100"
                href={`/users${queryString({ ...keep, after: page.next })}`}
              >
                Next page
              </Link>
            ) : null}
          </nav>
        </>
      ) : null}
    </div>
  );
}
