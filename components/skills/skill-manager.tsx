'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult } from '@/lib/dal';
import { createSkillAction, deleteSkillAction, renameSkillAction } from '@/app/(console)/skills/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { DataTable, cell } from '@/components/ui/table';

interface Skill {
  id: number;
  name: string;
  agents: number;
}

export function SkillManager({ skills }: { skills: Skill[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ skill: Skill; name: string } | null>(null);
  const [deleting, setDeleting] = useState<Skill | null>(null);
  const settle = (r: ActionResult<unknown>, text: string) => {
    setDeleting(null);
    if (!r.ok) return setMessage({ tone: 'error', text: r.error });
    setMessage({ tone: 'success', text });
    setRenaming(null);
    router.refresh();
  };
  const create = useMutation({ mutationFn: () => createSkillAction({ name }), onSuccess: (r) => (settle(r, `Skill "${name}" added.`), r.ok && setName('')) });
  const rename = useMutation({
    mutationFn: () => renameSkillAction({ id: renaming!.skill.id, name: renaming!.name }),
    onSuccess: (r) => settle(r, 'Skill renamed.'),
  });
  const remove = useMutation({
    mutationFn: (s: Skill) => deleteSkillAction({ id: s.id, removeFromAgents: s.agents > 0 }),
    onSuccess: (r) => settle(r, r.ok && r.data.removedFrom.length ? `Skill deleted and removed from ${r.data.removedFrom.join(', ')}.` : 'Skill deleted.'),
  });
  return (
    <div className="space-y-4">
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <form
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <TextField id="skill-name" label="New skill name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        <Button type="submit" disabled={create.isPending}>
          Add skill
        </Button>
      </form>
      {skills.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">No skills yet.</p>
      ) : (
        <DataTable caption="Skills" columns={['Skill', 'Agents', 'Actions']}>
          {skills.map((s) => (
            <tr key={s.id}>
              <td className={cell}>{s.name}</td>
              <td className={cell}>{s.agents}</td>
              <td className={cell}>
                <Button variant="ghost" onClick={() => setRenaming({ skill: s, name: s.name })}>
                  Rename {s.name}
                </Button>
                <Button variant="ghost" onClick={() => setDeleting(s)}>
                  Delete {s.name}
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Dialog open={renaming !== null} onOpenChange={(o) => !o && setRenaming(null)} title={`Rename ${renaming?.skill.name ?? ''}`}>
        {renaming ? (
          <form
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              rename.mutate();
            }}
          >
            <TextField
              id="rename-skill"
              label="Name"
              value={renaming.name}
              maxLength={100}
              onChange={(e) => setRenaming({ ...renaming, name: e.target.value })}
            />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setRenaming(null)}>
                Cancel
              </Button>
              <Button type="submit">Save skill</Button>
            </div>
          </form>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel={deleting?.agents ? `Remove from ${deleting.agents} agent(s) and delete` : 'Delete'}
        tone="danger"
        pending={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        {deleting?.agents ? <p>{deleting.agents} agent(s) hold this skill; it is removed from them.</p> : <p>No agent holds it.</p>}
      </ConfirmDialog>
    </div>
  );
}
