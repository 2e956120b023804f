import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { listAuditEvents, listDeniedAttempts } from '@/lib/dal';
import { firstValues } from '@/lib/search-params';
import { readForPage } from '@/components/shell/dal-page';
import { DataTable, cell } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Audit' };

const show = (value: unknown) => (value === null || value === undefined ? '—' : JSON.stringify(value));

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await pagePrincipal();
  const params = firstValues(await searchParams);
  const { data: page, fallback } = readForPage('the audit trail', () => listAuditEvents({ ctx, input: { before: params.before } }));
  if (fallback) return fallback;
  const denied = listDeniedAttempts({ ctx, input: { pageSize: 20 } });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Audit</h1>
      {page.rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">No events yet.</p>
      ) : (
        <DataTable caption="Audit events" columns={['When', 'Who', 'Source', 'Entity', 'Action', 'Before', 'After']}>
          {page.rows.map((e) => (
            <tr key={e.id} className="align-top">
              <td className={`${cell} whitespace-nowrap`}>{new Date(e.at).toISOString().slice(0, 19).replace('T', ' ')} UTC</td>
              <td className={cell}>{e.actorName}</td>
              <td className={cell}>{e.source.toUpperCase()}</td>
              <td className={cell}>
                {e.entityType}: {e.entityName}
              </td>
              <td className={cell}>{e.action}</td>
              <td className={`${cell} max-w-xs break-words font-mono text-xs`}>{show(e.before)}</td>
              <td className={`${cell} max-w-xs break-words font-mono text-xs`}>{show(e.after)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav aria-label="Pagination" className="flex justify-between">
        {params.before ? <Link href="/audit">Newest events</Link> : <span />}
        {page.next ? (
          <Link className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-100" href={`/audit?before=${page.next}`}>
            Older events
          </Link>
        ) : null}
      </nav>
      <section aria-labelledby="denied-title" className="space-y-2">
        <h2 id="denied-title" className="text-lg font-medium">
          Refused attempts (security log)
        </h2>
        {denied.rows.length === 0 ? (
          <p className="text-sm text-slate-600">No refused attempts.</p>
        ) : (
          <DataTable caption="Refused attempts" columns={['When', 'Who', 'Source', 'Tried to', 'Why it was refused']}>
            {denied.rows.map((d) => (
              <tr key={d.id} className="align-top">
                <td className={`${cell} whitespace-nowrap`}>{new Date(d.at).toISOString().slice(0, 19).replace('T', ' ')} UTC</td>
                <td className={cell}>{d.actorName}</td>
                <td className={cell}>{d.source.toUpperCase()}</td>
                <td className={cell}>{d.action}</td>
                <td className={cell}>{d.reason}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}
