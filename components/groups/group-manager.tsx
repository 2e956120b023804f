'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult, GroupNodeRow } from '@/lib/dal';
import { createGroupAction, deleteGroupAction, updateGroupAction } from '@/app/(console)/groups/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { SelectField, TextField } from '@/components/ui/field';
import { DataTable, cell } from '@/components/ui/table';

function ParentSelect({
  id,
  groups,
  value,
  onChange,
  exclude,
  allowTop,
}: {
  id: string;
  groups: GroupNodeRow[];
  value: string;
  onChange: (v: string) => void;
  exclude?: number;
  allowTop: boolean;
}) {
  return (
    <SelectField id={id} label="Parent group" value={value} onChange={(e) => onChange(e.target.value)}>
      {allowTop ? <option value="">None (top level)</option> : <option value="">Choose…</option>}
      {groups
        .filter((g) => g.id !== exclude)
        .map((g) => (
          <option key={g.id} value={g.id}>
            {`${'\u00a0\u00a0'.repeat(g.depth)}${g.name}`}
          </option>
        ))}
    </SelectField>
  );
}

/** The group tree with its editors: add, rename, move, enable or disable, delete when empty. */
/** What the viewer may do here (display only: every action checks again). */
type GroupVerbs = { create: boolean; edit: boolean; delete: boolean };

export function GroupManager({ groups, allowTop, may }: { groups: GroupNodeRow[]; allowTop: boolean; may: GroupVerbs }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const [editing, setEditing] = useState<{ group: GroupNodeRow; name: string; parent: string; enabled: boolean } | null>(null);
  const [deleting, setDeleting] = useState<GroupNodeRow | null>(null);
  const settle = (r: ActionResult<unknown>, text: string) => {
    if (!r.ok) return setMessage({ tone: 'error', text: r.error });
    setMessage({ tone: 'success', text });
    setEditing(null);
    setDeleting(null);
    router.refresh();
  };
  const create = useMutation({
    mutationFn: () => createGroupAction({ name, parentId: parent }),
    onSuccess: (r) => (settle(r, `Group "${name}" added.`), r.ok && setName('')),
  });
  const update = useMutation({
    mutationFn: () =>
      updateGroupAction({
        id: editing!.group.id,
        rowVersion: editing!.group.rowVersion,
        name: editing!.name,
        parentId: editing!.parent,
        enabled: editing!.enabled,
      }),
    onSuccess: (r) => settle(r, 'Group saved.'),
  });
  const remove = useMutation({
    mutationFn: (g: GroupNodeRow) => deleteGroupAction({ id: g.id, rowVersion: g.rowVersion }),
    onSuccess: (r) => settle(r, 'Group deleted.'),
  });

  return (
    <div className="space-y-4">
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {may.create ? (
        <form
          className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <TextField id="group-name" label="New group name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          <ParentSelect id="group-parent" groups={groups} value={parent} onChange={setParent} allowTop={allowTop} />
          <Button type="submit" disabled={create.isPending}>
            Add group
          </Button>
        </form>
      ) : null}
      {groups.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">No agent groups yet.</p>
      ) : (
        <DataTable caption="Groups" columns={['Group', 'Members', 'Managed by', 'Status', 'Actions']}>
          {groups.map((g) => (
            <tr key={g.id}>
              <td className={cell} style={{ paddingLeft: `${0.75 + g.depth * 1.5}rem` }}>
                {g.name}
              </td>
              <td className={cell}>{g.members}</td>
              <td className={cell}>{g.managers.join(', ') || '—'}</td>
              <td className={cell}>{g.enabled ? 'Enabled' : 'Disabled'}</td>
              <td className={cell}>
                <div className="flex gap-1">
                  {may.edit ? (
                    <Button
                      variant="ghost"
                      onClick={() => setEditing({ group: g, name: g.name, parent: g.parentId ? String(g.parentId) : '', enabled: g.enabled })}
                    >
                      Edit {g.name}
                    </Button>
                  ) : null}
                  {may.delete ? (
                    <Button variant="ghost" onClick={() => setDeleting(g)}>
                      Delete {g.name}
                    </Button>
                  ) : null}
                  {!may.edit && !may.delete ? <span className="text-sm text-slate-500">View only</span> : null}
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Dialog open={editing !== null} onOpenChange={(o) => !o && setEditing(null)} title={`Edit ${editing?.group.name ?? ''}`}>
        {editing ? (
          <form
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              update.mutate();
            }}
          >
            <TextField
              id="edit-group-name"
              label="Name"
              value={editing.name}
              maxLength={100}
              onChange={(e) => setEditing({ ...editing, name: e.target.value })}
            />
            <ParentSelect
              id="edit-group-parent"
              groups={groups}
              value={editing.parent}
              onChange={(p) => setEditing({ ...editing, parent: p })}
              exclude={editing.group.id}
              allowTop={allowTop}
            />
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={editing.enabled} onChange={(e) => setEditing({ ...editing, enabled: e.target.checked })} /> Enabled
            </label>
            {message?.tone === 'error' ? <Alert>{message.text}</Alert> : null}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setEditing(null)}>
                Cancel
              </Button>
              <Button type="submit" disabled={update.isPending}>
                Save group
              </Button>
            </div>
          </form>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel="Delete"
        tone="danger"
        pending={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        <p>A group can be deleted only when it has no members, sub-groups or managers.</p>
      </ConfirmDialog>
    </div>
  );
}
