import type { Metadata } from 'next';
import { pagePrincipal } from '@/lib/auth/principal';
import { listGroups } from '@/lib/dal';
import { readForPage } from '@/components/shell/dal-page';
import { DataTable, cell } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Groups' };

export default async function GroupsPage() {
  const ctx = await pagePrincipal();
  const { data: groups, fallback } = readForPage('agent groups', () => listGroups({ ctx }));
  if (fallback) return fallback;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Groups</h1>
      {groups.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">No agent groups yet.</p>
      ) : (
        <DataTable caption="Groups" columns={['Group', 'Members', 'Managed by', 'Status']}>
          {groups.map((g) => (
            <tr key={g.id}>
              <td className={cell} style={{ paddingLeft: `${0.75 + g.depth * 1.5}rem` }}>
                {g.name}
              </td>
              <td className={cell}>{g.members}</td>
              <td className={cell}>{g.managers.join(', ') || '—'}</td>
              <td className={cell}>{g.enabled ? 'Enabled' : 'Disabled'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
