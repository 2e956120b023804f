import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { listAuditEvents } from '@/lib/dal';
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
    </div>
  );
}
