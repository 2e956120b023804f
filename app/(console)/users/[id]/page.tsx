import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { DalError, getUserAccess } from '@/lib/dal';
import { NoAccess } from '@/components/shell/no-access';
import { EffectivePermissions } from '@/components/users/effective-permissions';
import { UserProfiles } from '@/components/users/user-profiles';

export const metadata: Metadata = { title: 'User' };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await getPrincipal();
  if (!ctx) redirect('/login');
  const { id } = await params;
  let access;
  try {
    access = getUserAccess({ ctx, input: { id } });
  } catch (error) {
    // Outside the actor's reach a user does not exist: the same page as for an unknown id.
    if (error instanceof DalError && (error.code === 'not-found' || error.code === 'invalid')) notFound();
    if (error instanceof DalError && error.code === 'forbidden') return <NoAccess what="users" reason={error.message} />;
    throw error;
  }
  const { user } = access;
  return (
    <div className="space-y-6">
      <Link href="/users" className="text-sm text-brand-700 underline">
        ← Users
      </Link>
      <div>
        <h1 className="text-2xl font-semibold">{user.name}</h1>
        <p className="text-sm text-slate-600">
          {user.loginName} · {user.email} · nickname {user.nickname} · {user.groupName ?? 'no group'} · {user.status === 'active' ? 'Active' : 'Deactivated'}
        </p>
      </div>
      <UserProfiles userId={user.id} profiles={access.profiles} assignable={access.assignable} isSelf={access.isSelf} />
      <EffectivePermissions permissions={access.permissions} />
    </div>
  );
}
