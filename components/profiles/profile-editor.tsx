'use client';

import type { ProfilePermissionRow } from '@/lib/dal';
import { createProfileAction, previewProfileAction, saveProfileAction } from '@/app/(console)/profiles/actions';
import { PermissionSetEditor } from './permission-set-editor';

export interface ProfileEditorProps {
  profile: { id: number; name: string; description: string; rowVersion: number } | null;
  role: { key: string; name: string; core: { key: string; name: string }[] };
  rolePermissions: ProfilePermissionRow[];
  defaults: string[];
  /** What the saved version has on (empty for a new profile). */
  saved: string[];
}

export function ProfileEditor({ profile, role, rolePermissions, defaults, saved }: ProfileEditorProps) {
  return (
    <PermissionSetEditor
      kind="profile"
      isNew={!profile}
      initial={{ name: profile?.name ?? '', description: profile?.description ?? '' }}
      roleName={role.name}
      core={role.core}
      rows={rolePermissions}
      defaults={defaults}
      saved={saved}
      preview={(permissions, mode) => previewProfileAction({ ...(profile ? { id: profile.id } : { roleKey: role.key }), permissions, mode })}
      save={async ({ name, description, note, permissions, mode }) => {
        const r = profile
          ? await saveProfileAction({ id: profile.id, rowVersion: profile.rowVersion, name, description, permissions, note, mode })
          : await createProfileAction({ roleKey: role.key, name, description, permissions, note });
        if (!r.ok) return r;
        return {
          ok: true,
          data: { href: profile && 'version' in r.data ? `/profiles/${r.data.id}?saved=${r.data.version}` : `/profiles/${r.data.id}?created=1` },
        };
      }}
    />
  );
}
