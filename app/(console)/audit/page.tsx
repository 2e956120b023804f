import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { auditFilterOptions, DalError, listAuditEvents, listDeniedAttempts } from '@/lib/dal';
import { actionLabel, entityTypeLabel } from '@/lib/permissions/audit-diff';
import { firstValues, queryString } from '@/lib/search-params';
import { readForPage } from '@/components/shell/dal-page';
import { AuditFilters } from '@/components/audit/audit-filters';
import { ChangeList } from '@/components/audit/change-list';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { DataTable, cell } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Audit' };

const FILTER_KEYS = ['actor', 'entityType', 'action', 'from', 'to', 'q'] as const;
const SOURCES = { ui: 'UI', api: 'API', system: 'System' } as const;
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const pagerClass = 'rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-100';

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await pagePrincipal();
  const params = firstValues(await searchParams);
  const { data: options, fallback } = readForPage('the audit trail', () => auditFilterOptions({ ctx }));
  if (fallback) return fallback;
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, params[k]]));
  const filtered = FILTER_KEYS.some((k) => params[k]);

  let page: ReturnType<typeof listAuditEvents> | null = null;
  let problem: string | null = null;
  try {
    page = listAuditEvents({ ctx, input: { ...filters, before: params.before } });
  } catch (error) {
    if (!(error instanceof DalError) || error.code !== 'invalid') throw error;
    problem = error.message;
  }
  const denied = readForPage('the security log', () => listDeniedAttempts({ ctx, input: { before: params.deniedBefore, pageSize: 20 } }));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Audit</h1>
        <div className="flex items-center gap-3">
          <Link href="/audit/as-of" className={buttonClass('secondary')}>
            Permissions as of…
          </Link>
          {page ? (
            <a href={`/audit/export${queryString(filters)}`} className={buttonClass('secondary')} download>
              Export CSV
            </a>
          ) : null}
        </div>
      </div>
      {options.pseudonyms ? (
        <p className="text-sm text-slate-600">
          Without &quot;Access to user performance data&quot;, other users appear under pseudonyms, and a search finds only what you are shown.
        </p>
      ) : null}
      {/* Keyed by the query: after a navigation the inputs show the URL's values, not stale ones. */}
      <AuditFilters key={JSON.stringify(filters)} options={options} values={params} />
      {problem ? (
        <Alert>
          {problem}{' '}
          <Link href="/audit" className="underline">
            Clear filters
          </Link>
        </Alert>
      ) : null}
      {page && page.rows.length === 0 && !page.partial ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
          {filtered ? (
            <>
              <p className="font-medium">No events match these filters.</p>
              <Link href="/audit" className="mt-2 inline-block text-brand-700 underline">
                Clear filters
              </Link>
            </>
          ) : (
            <p className="font-medium">No events yet.</p>
          )}
        </div>
      ) : null}
      {page && page.rows.length > 0 ? (
        <DataTable caption="Audit events" columns={['When', 'Who', 'Source', 'Entity', 'Action', 'Changes']}>
          {page.rows.map((e) => (
            <tr key={e.id} className="align-top">
              <td className={`${cell} whitespace-nowrap`}>{when(e.at)}</td>
              <td className={cell}>{e.who}</td>
              <td className={cell}>{SOURCES[e.source]}</td>
              <td className={cell}>
                {entityTypeLabel(e.entityType)}: {e.entityName}
              </td>
              <td className={cell}>{actionLabel(e.action)}</td>
              <td className={`${cell} max-w-md break-words`}>
                <ChangeList changes={e.changes} />
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {page?.partial ? (
        <p className="text-sm text-slate-600" role="status">
          This search looked at the events down to #{page.next} without filling the page; older events may still match.
        </p>
      ) : null}
      {page ? (
        <nav aria-label="Pagination" className="flex justify-between">
          {params.before ? (
            <Link className={pagerClass} href={`/audit${queryString(filters)}`}>
              Newest events
            </Link>
          ) : (
            <span />
          )}
          {page.next ? (
            <Link className={pagerClass} href={`/audit${queryString({ ...filters, before: String(page.next) })}`}>
              Older events
            </Link>
          ) : null}
        </nav>
      ) : null}

      <section aria-labelledby="denied-title" className="space-y-2">
        <h2 id="denied-title" className="text-lg font-medium">
          Refused attempts (security log)
        </h2>
        {denied.fallback ??
          (denied.data.rows.length === 0 ? (
            <p className="text-sm text-slate-600">No refused attempts.</p>
          ) : (
            <>
              <DataTable caption="Refused attempts" columns={['When', 'Who', 'Source', 'Tried to', 'Why it was refused']}>
                {denied.data.rows.map((d) => (
                  <tr key={d.id} className="align-top">
                    <td className={`${cell} whitespace-nowrap`}>{when(d.at)}</td>
                    <td className={cell}>{d.actorName}</td>
                    <td className={cell}>{SOURCES[d.source]}</td>
                    <td className={cell}>{d.action}</td>
                    <td className={cell}>{d.reason}</td>
                  </tr>
                ))}
              </DataTable>
              <nav aria-label="Security log pagination" className="flex justify-between">
                {params.deniedBefore ? (
                  <Link className={pagerClass} href={`/audit${queryString({ ...filters, before: params.before })}`}>
                    Newest refused attempts
                  </Link>
                ) : (
                  <span />
                )}
                {denied.data.next ? (
                  <Link className={pagerClass} href={`/audit${queryString({ ...filters, before: params.before, deniedBefore: String(denied.data.next) })}`}>
                    Older refused attempts
                  </Link>
                ) : null}
              </nav>
            </>
          ))}
      </section>
    </div>
  );
}
