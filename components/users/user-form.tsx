'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult, UserFormOptions } from '@/lib/dal';
import { createUserAction, updateUserAction } from '@/app/(console)/users/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';

export interface UserFormValues {
  id?: number;
  rowVersion?: number;
  loginName: string;
  email: string;
  name: string;
  nickname: string;
  groupId: number | null;
  managedGroupIds: number[];
  maxChats: number | null;
  skills: string[];
  isAgent: boolean;
  /** Editing a user who has no password yet (imported). */
  hasPassword?: boolean;
}

const EMPTY: UserFormValues = {
  loginName: '',
  email: '',
  name: '',
  nickname: '',
  groupId: null,
  managedGroupIds: [],
  maxChats: null,
  skills: [],
  isAgent: false,
};

/**
 * "Add user" and the user's details. Profiles are chosen here on creation, one per role; later
 * they are assigned on the user's page. Max chats and skills belong to the agent role only.
 */
export function UserForm({ options, initial }: { options: UserFormOptions; initial?: UserFormValues }) {
  const router = useRouter();
  const editing = initial?.id !== undefined;
  const [v, setV] = useState<UserFormValues>(initial ?? EMPTY);
  const [password, setPassword] = useState('');
  const [profileByRole, setProfileByRole] = useState<Record<string, string>>({});
  const [newSkills, setNewSkills] = useState('');
  const [result, setResult] = useState<Extract<ActionResult, { ok: false }> | null>(null);
  const agentChosen = editing ? v.isAgent : options.profilesByRole.some((r) => r.handlesConversations && profileByRole[r.roleKey]);
  const err = (field: string) => result?.fieldErrors?.[field]?.[0];

  const save = useMutation({
    mutationFn: async () => {
      const skills = [
        ...v.skills,
        ...newSkills
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ];
      const common = {
        loginName: v.loginName,
        email: v.email,
        name: v.name,
        nickname: v.nickname,
        groupId: v.groupId,
        managedGroupIds: v.managedGroupIds,
        maxChats: agentChosen ? v.maxChats : null,
        skills: agentChosen ? skills : [],
      };
      return editing
        ? updateUserAction({ ...common, id: v.id, rowVersion: v.rowVersion, password })
        : createUserAction({ ...common, password, profileIds: Object.values(profileByRole).filter(Boolean).map(Number) });
    },
    onSuccess: (r) => {
      if (!r.ok) {
        return setResult(r);
      }
      setResult(null);
      setPassword('');
      // The page re-renders (and remounts this form) with the saved details: the message travels in the URL.
      router.replace(editing ? `/users/${r.data.id}?saved=1` : `/users/${r.data.id}?created=1`);
    },
    onError: () => setResult({ ok: false, error: 'The server could not be reached; nothing was saved. Try again.', code: 'unavailable' }),
  });

  const toggle = (list: number[], id: number) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const toggleSkill = (name: string) => setV({ ...v, skills: v.skills.includes(name) ? v.skills.filter((s) => s !== name) : [...v.skills, name] });

  return (
    <form
      className="space-y-6"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {result ? (
        <Alert>
          {result.error}
          {result.code === 'stale' ? (
            <Button variant="secondary" className="ml-2" onClick={() => window.location.reload()}>
              Reload
            </Button>
          ) : null}
        </Alert>
      ) : null}
      <fieldset className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
        <legend className="px-1 font-medium">Details</legend>
        <TextField
          id="loginName"
          label="Login name"
          value={v.loginName}
          maxLength={100}
          autoComplete="off"
          onChange={(e) => setV({ ...v, loginName: e.target.value })}
          error={err('loginName')}
        />
        <TextField
          id="email"
          label="Email"
          type="email"
          value={v.email}
          maxLength={254}
          onChange={(e) => setV({ ...v, email: e.target.value })}
          error={err('email')}
        />
        <TextField id="name" label="Name" value={v.name} maxLength={200} onChange={(e) => setV({ ...v, name: e.target.value })} error={err('name')} />
        <TextField
          id="nickname"
          label="Nickname (shown to visitors)"
          value={v.nickname}
          maxLength={100}
          onChange={(e) => setV({ ...v, nickname: e.target.value })}
          error={err('nickname')}
        />
        <TextField
          id="password"
          label={!editing ? 'Password' : v.hasPassword === false ? 'Password (none yet: he cannot sign in without one)' : 'New password (leave empty to keep)'}
          type="password"
          autoComplete="new-password"
          value={password}
          maxLength={200}
          onChange={(e) => setPassword(e.target.value)}
          error={err('password')}
        />
        <SelectField
          id="groupId"
          label="Group"
          value={v.groupId ?? ''}
          onChange={(e) => setV({ ...v, groupId: e.target.value ? Number(e.target.value) : null })}
        >
          {options.groupRequired ? <option value="">Choose a group…</option> : <option value="">No group</option>}
          {options.groups.map((g) => (
            <option key={g.id} value={g.id}>
              {`${'\u00a0\u00a0'.repeat(g.depth)}${g.name}`}
            </option>
          ))}
        </SelectField>
        {err('groupId') ? <p className="text-sm text-red-700 sm:col-span-2">{err('groupId')}</p> : null}
      </fieldset>

      {!editing ? (
        <fieldset className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
          <legend className="px-1 font-medium">Profiles (up to four, one per role)</legend>
          {options.profilesByRole.map((r) => (
            <SelectField
              key={r.roleKey}
              id={`profile-${r.roleKey}`}
              label={`${r.roleName} profile`}
              value={profileByRole[r.roleKey] ?? ''}
              onChange={(e) => setProfileByRole({ ...profileByRole, [r.roleKey]: e.target.value })}
            >
              <option value="">None</option>
              {r.profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </SelectField>
          ))}
          {err('profileIds') ? <p className="text-sm text-red-700 sm:col-span-2">{err('profileIds')}</p> : null}
        </fieldset>
      ) : null}

      {agentChosen ? (
        <fieldset className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <legend className="px-1 font-medium">Agent</legend>
          <div className="max-w-xs">
            <TextField
              id="maxChats"
              label="Max concurrent chats"
              type="number"
              min={1}
              step={1}
              value={v.maxChats ?? ''}
              onChange={(e) => setV({ ...v, maxChats: e.target.value === '' ? null : Number(e.target.value) })}
              error={err('maxChats')}
            />
          </div>
          <div role="group" aria-labelledby="skills-label" className="space-y-1">
            <p id="skills-label" className="text-sm font-medium text-slate-700">
              Skills
            </p>
            <div className="flex flex-wrap gap-3">
              {[...new Set([...options.skills, ...v.skills])].map((s) => (
                <label key={s} className="flex items-center gap-1 text-sm">
                  <input type="checkbox" checked={v.skills.includes(s)} onChange={() => toggleSkill(s)} /> {s}
                </label>
              ))}
            </div>
          </div>
          {options.canCreateSkills ? (
            <TextField
              id="newSkills"
              label="New skills (comma-separated)"
              value={newSkills}
              maxLength={1000}
              onChange={(e) => setNewSkills(e.target.value)}
              error={err('skills')}
            />
          ) : null}
        </fieldset>
      ) : null}

      {options.groups.length ? (
        <fieldset className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
          <legend className="px-1 font-medium">Manages groups</legend>
          <p className="text-sm text-slate-600">An agent manager runs the users of these groups and their sub-groups.</p>
          <div className="flex flex-wrap gap-3">
            {options.groups.map((g) => (
              <label key={g.id} className="flex items-center gap-1 text-sm">
                <input
                  type="checkbox"
                  checked={v.managedGroupIds.includes(g.id)}
                  onChange={() => setV({ ...v, managedGroupIds: toggle(v.managedGroupIds, g.id) })}
                />{' '}
                {g.name}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save'}
      </Button>
    </form>
  );
}
