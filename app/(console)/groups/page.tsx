import type { Metadata } from 'next';
import { pagePrincipal } from '@/lib/auth/principal';
import { listGroups, reachFor } from '@/lib/dal';
import { CONSOLE } from '@/lib/permissions/console';
import { readForPage } from '@/components/shell/dal-page';
import { GroupManager } from '@/components/groups/group-manager';

export const metadata: Metadata = { title: 'Groups' };

export default async function GroupsPage() {
  const ctx = await pagePrincipal();
  const { data: groups, fallback } = readForPage('agent groups', () => listGroups({ ctx }));
  if (fallback) return fallback;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Groups</h1>
      <GroupManager
        groups={groups}
        allowTop={reachFor(ctx, [CONSOLE.manageAgentGroups], 'create') === 'account'}
        may={{
          create: reachFor(ctx, [CONSOLE.manageAgentGroups], 'create') !== null,
          edit: reachFor(ctx, [CONSOLE.manageAgentGroups], 'edit') !== null,
          delete: reachFor(ctx, [CONSOLE.manageAgentGroups], 'delete') !== null,
        }}
      />
    </div>
  );
}
