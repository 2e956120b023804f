import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { DalError, getProfile } from '@/lib/dal';
import { NoAccess } from '@/components/shell/no-access';
import { ProfileEditor } from '@/components/profiles/profile-editor';
import { ProfileVersions } from '@/components/profiles/profile-versions';
import { ProfileActions } from '@/components/profiles/profile-actions';
import { Alert } from '@/components/ui/alert';

export const metadata: Metadata = { title: 'Profile' };

export default async function ProfilePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ created?: string; saved?: string }>;
}) {
  const ctx = await getPrincipal();
  if (!ctx) redirect('/login');
  const { id } = await params;
  const { created, saved: savedVersion } = await searchParams;
  let profile;
  try {
    profile = getProfile({ ctx, input: { id } });
  } catch (error) {
    if (error instanceof DalError && (error.code === 'not-found' || error.code === 'invalid')) notFound();
    if (error instanceof DalError && error.code === 'forbidden') return <NoAccess what="profiles" reason={error.message} />;
    throw error;
  }
  return (
    <div className="space-y-6">
      <Link href="/profiles" className="text-sm text-brand-700 underline">
        ← Profiles
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">{profile.name}</h1>
          <p className="text-sm text-slate-600">
            {profile.roleName} role · version {profile.headVersion} · {profile.holders} user{profile.holders === 1 ? '' : 's'}
            {profile.isDefault ? ' · default profile of its role' : ''}
          </p>
        </div>
        <ProfileActions
          profile={{ id: profile.id, name: profile.name, rowVersion: profile.rowVersion, isDefault: profile.isDefault, holders: profile.holders }}
        />
      </div>
      {created ? <Alert tone="success">Profile created.</Alert> : null}
      {savedVersion && /^\d+$/.test(savedVersion) ? <Alert tone="success">Saved as version {savedVersion}.</Alert> : null}
      <ProfileEditor
        key={profile.rowVersion}
        profile={{ id: profile.id, name: profile.name, description: profile.description, rowVersion: profile.rowVersion }}
        role={{ key: profile.roleKey, name: profile.roleName, core: profile.core }}
        rolePermissions={profile.rolePermissions}
        defaults={profile.defaults}
        saved={profile.permissions}
        channels={{ options: profile.channelOptions, defaults: profile.channelDefaults, saved: profile.channels }}
      />
      <ProfileVersions profile={{ id: profile.id, rowVersion: profile.rowVersion, headVersion: profile.headVersion }} versions={profile.versions} />
    </div>
  );
}
