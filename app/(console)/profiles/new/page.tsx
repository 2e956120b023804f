import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { DalError, newProfileDraft, profileRoleChoices } from '@/lib/dal';
import { NoAccess } from '@/components/shell/no-access';
import { ProfileEditor } from '@/components/profiles/profile-editor';
import { RolePicker } from '@/components/profiles/role-picker';

export const metadata: Metadata = { title: 'Add profile' };

export default async function NewProfilePage({ searchParams }: { searchParams: Promise<{ role?: string | string[] }> }) {
  const ctx = await getPrincipal();
  if (!ctx) redirect('/login');
  const { role } = await searchParams;
  let roles;
  try {
    roles = profileRoleChoices({ ctx });
  } catch (error) {
    if (error instanceof DalError && error.code === 'forbidden') return <NoAccess what="profiles" reason={error.message} />;
    throw error;
  }
  const chosen = typeof role === 'string' && roles.some((r) => r.key === role) ? role : undefined;
  const draft = chosen ? newProfileDraft({ ctx, input: { roleKey: chosen } }) : null;
  return (
    <div className="space-y-4">
      <Link href="/profiles" className="text-sm text-brand-700 underline">
        ← Profiles
      </Link>
      <h1 className="text-2xl font-semibold">Add profile</h1>
      <RolePicker roles={roles} value={chosen} />
      {draft ? (
        <ProfileEditor
          key={draft.roleKey}
          profile={null}
          role={{ key: draft.roleKey, name: draft.roleName, core: draft.core }}
          rolePermissions={draft.rolePermissions}
          defaults={draft.defaults}
          saved={[]}
          channels={{ options: draft.channelOptions, defaults: draft.channelDefaults, saved: {} }}
        />
      ) : (
        <p className="text-slate-600">Choose the role the profile sits within: its permissions start at the role&apos;s defaults.</p>
      )}
    </div>
  );
}
