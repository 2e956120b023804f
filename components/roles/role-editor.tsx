'use client';

import type { RoleEditorData } from '@/lib/dal';
import { createRoleAction, previewRoleAction, updateRoleAction } from '@/app/(console)/roles/actions';
import { PermissionSetEditor } from '@/components/profiles/permission-set-editor';

/** "Add role" and editing a custom role: name, description, rank, and the default of each permission of its base. */
export function RoleEditor({ role }: { role: RoleEditorData }) {
  const isNew = role.key === null;
  return (
    <PermissionSetEditor
      kind="role"
      isNew={isNew}
      initial={{ name: role.name, description: role.description }}
      rank={{ value: role.rank, max: role.maxRank }}
      roleName={role.base.name}
      core={role.base.core}
      rows={role.rolePermissions}
      defaults={role.baseDefaults}
      saved={role.defaults}
      preview={async (defaults, mode) =>
        isNew
          ? { ok: true, data: { affectedUsers: 0, holders: 0, holdersBehind: 0, gains: [], losses: [], warnings: [] } }
          : previewRoleAction({ key: role.key, defaults, mode })
      }
      save={async ({ name, description, rank, permissions, mode }) => {
        if (isNew) {
          const r = await createRoleAction({ baseRoleKey: role.base.key, name, description, rank, defaults: permissions });
          return r.ok ? { ok: true, data: { href: `/roles/${r.data.key}?created=1` } } : r;
        }
        const r = await updateRoleAction({ key: role.key, rowVersion: role.rowVersion, name, description, rank, defaults: permissions, mode });
        return r.ok ? { ok: true, data: { href: `/roles/${r.data.key}?saved=${r.data.version}` } } : r;
      }}
    />
  );
}
