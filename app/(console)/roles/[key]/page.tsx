import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { getRoleEditor } from '@/lib/dal';
import { readForPage } from '@/components/shell/dal-page';
import { RoleEditor } from '@/components/roles/role-editor';
import { DeleteRoleButton } from '@/components/roles/delete-role-button';
import { Alert } from '@/components/ui/alert';

export const metadata: Metadata = { title: 'Role' };

export default async function RolePage({
  params,
  searchParams,
}: {
  params: Promise<{ key: string }>;
  searchParams: Promise<{ created?: string; saved?: string }>;
}) {
  const ctx = await pagePrincipal();
  const { key } = await params;
  const { created, saved } = await searchParams;
  const { data: role, fallback } = readForPage('roles', () => getRoleEditor({ ctx, input: { key } }));
  if (fallback) return fallback;
  return (
    <div className="space-y-6">
      <Link href="/roles" className="text-sm text-brand-700 underline">
        ← Roles
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">{role.name}</h1>
          <p className="text-sm text-slate-600">
            Custom role based on {role.base.name} · rank {role.rank}
            {role.defaultProfileId ? (
              <>
                {' '}
                ·{' '}
                <Link href={`/profiles/${role.defaultProfileId}`} className="text-brand-700 underline">
                  its default profile
                </Link>
              </>
            ) : null}
          </p>
        </div>
        <DeleteRoleButton role={{ key: role.key!, name: role.name, rowVersion: role.rowVersion }} />
      </div>
      {created ? <Alert tone="success">Role created, with its default profile.</Alert> : null}
      {saved && /^\d+$/.test(saved) ? <Alert tone="success">Saved: its default profile is now at version {saved}.</Alert> : null}
      <RoleEditor key={role.rowVersion} role={role} />
    </div>
  );
}
