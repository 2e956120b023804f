'use client';

import type { ChannelOption, ProfilePermissionRow } from '@/lib/dal';
import type { Level } from '@/lib/permissions/channels';
import { createProfileAction, previewProfileAction, saveProfileAction } from '@/app/(console)/profiles/actions';
import { PermissionSetEditor } from './permission-set-editor';

export interface ProfileEditorProps {
  profile: { id: number; name: string; description: string; rowVersion: number } | null;
  role: { key: string; name: string; core: { key: string; name: string }[] };
  rolePermissions: ProfilePermissionRow[];
  defaults: string[];
  /** What the saved version has on (empty for a new profile). */
  saved: string[];
  channels: { options: ChannelOption[]; defaults: Record<string, Level>; saved: Record<string, Level> };
}

export function ProfileEditor({ profile, role, rolePermissions, defaults, saved, channels }: ProfileEditorProps) {
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
      channels={channels}
      preview={(permissions, mode, levels) =>
        previewProfileAction({ ...(profile ? { id: profile.id } : { roleKey: role.key }), permissions, channels: levels, mode })
      }
      save={async ({ name, description, note, permissions, channels: levels, mode }) => {
        const r = profile
          ? await saveProfileAction({ id: profile.id, rowVersion: profile.rowVersion, name, description, permissions, channels: levels, note, mode })
          : await createProfileAction({ roleKey: role.key, name, description, permissions, channels: levels, note });
        if (!r.ok) return r;
        return {
          ok: true,
          data: { href: profile && 'version' in r.data ? `/profiles/${r.data.id}?saved=${r.data.version}` : `/profiles/${r.data.id}?created=1` },
        };
      }}
    />
  );
}
