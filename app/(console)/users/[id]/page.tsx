import type { Metadata } from 'next';
import Link from 'next/link';
import { pagePrincipal } from '@/lib/auth/principal';
import { DalError, getUserAccess, getUserDetails, holds, listOverrides, reachFor, reachOfAny, userFormOptions } from '@/lib/dal';
import { CONSOLE, USER_ADMIN, USER_MANAGEMENT } from '@/lib/permissions/console';
import { readForPage } from '@/components/shell/dal-page';
import { EffectivePermissions } from '@/components/users/effective-permissions';
import { UserProfiles } from '@/components/users/user-profiles';
import { UserForm } from '@/components/users/user-form';
import { UserStatus } from '@/components/users/user-status';
import { UserOverrides } from '@/components/users/user-overrides';
import { Alert } from '@/components/ui/alert';

export const metadata: Metadata = { title: 'User' };

/** The rest of the page is for those who may manage this user; an exporter only reads. */
function manageable<T>(read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof DalError && error.code === 'forbidden') return null;
    throw error;
  }
}

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ created?: string; saved?: string }>;
}) {
  const ctx = await pagePrincipal();
  const { id } = await params;
  const { created, saved } = await searchParams;
  // Outside the actor's reach a user does not exist: the same 404 as for an unknown id.
  const { data: access, fallback } = readForPage('users', () => getUserAccess({ ctx, input: { id } }));
  if (fallback) return fallback;
  // Display only (every verb checks again): without the right to edit users (Aivo's "Users: edit"), no editing controls.
  const canEdit = reachFor(ctx, USER_MANAGEMENT, 'edit') !== null;
  const details = canEdit ? manageable(() => getUserDetails({ ctx, input: { id } })) : null;
  const options = details ? manageable(() => userFormOptions({ ctx })) : null;
  const overrides = details ? manageable(() => listOverrides({ ctx, input: { userId: id } })) : null;
  const { user } = access;
  return (
    <div className="space-y-6">
      <Link href="/users" className="text-sm text-brand-700 underline">
        ← Users
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">{user.name}</h1>
          <p className="text-sm text-slate-600">
            {user.loginName} · {user.email} · nickname {user.nickname} · {user.groupName ?? 'no group'} ·{' '}
            <span>{user.status === 'active' ? 'Active' : 'Deactivated'}</span>
          </p>
        </div>
        {details && !access.isSelf ? (
          <UserStatus
            user={{ id: user.id, rowVersion: details.rowVersion, name: user.name, status: user.status }}
            canDelete={reachFor(ctx, USER_ADMIN, 'delete') === 'account'}
          />
        ) : null}
      </div>
      {created ? <Alert tone="success">User created.</Alert> : null}
      {saved ? <Alert tone="success">Saved.</Alert> : null}
      {details && !user.hasPassword ? (
        <Alert tone="info">{user.name} has no password yet (imported users start without one): he cannot sign in until you set one under Edit details.</Alert>
      ) : null}
      <UserProfiles userId={user.id} profiles={access.profiles} assignable={details ? access.assignable : []} isSelf={access.isSelf || !details} />
      {overrides ? (
        <UserOverrides
          userId={user.id}
          overrides={overrides}
          permissions={ctx.catalog.permissions.map((p) => ({ key: p.key, name: p.name }))}
          channels={ctx.catalog.channels.map(({ key, name, parent }) => ({ key, name, parent }))}
          isSelf={access.isSelf}
        />
      ) : null}
      <EffectivePermissions permissions={access.permissions} channels={access.channels} />
      {/* Display only: the audit trail's readers who see names; the page checks again. */}
      {reachOfAny(ctx, [CONSOLE.viewAuditTrail]) === 'account' && holds(ctx, CONSOLE.accessUserPerformanceData) ? (
        <Link href={`/audit/as-of?user=${encodeURIComponent(user.loginName)}`} className="inline-block text-sm text-brand-700 underline">
          Permissions as of…
        </Link>
      ) : null}
      {details && options ? (
        <section aria-labelledby="edit-title" className="space-y-3">
          <h2 id="edit-title" className="text-lg font-medium">
            Edit details
          </h2>
          <UserForm key={details.rowVersion} options={options} initial={{ ...details, hasPassword: user.hasPassword }} />
        </section>
      ) : null}
    </div>
  );
}
