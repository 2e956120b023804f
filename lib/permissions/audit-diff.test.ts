import { describe, expect, it } from 'vitest';
import { presetCatalog } from '@/seeds/presets';
import { changeText, describeChanges, entityTypeLabel, fieldLabel, type DiffNames } from './audit-diff';

const catalog = presetCatalog('liveperson');
const names: DiffNames = { catalog, groups: new Map([[2, 'Tier 1']]) };
const JOIN = 'join-agents-conversations-in-group';
const joinName = catalog.permissionByKey.get(JOIN)!.name;
const VIEW_LIST = 'view-list-of-agents-in-the-group';
const viewListName = catalog.permissionByKey.get(VIEW_LIST)!.name;
const [main, sub] = [catalog.channels.find((c) => !c.parent)!, catalog.channels.find((c) => c.parent)!];

describe('the readable diff of an audit event', () => {
  it.each([
    ['a switched feature: old → new as Yes/No', { enabled: true }, { enabled: false }, [{ field: 'Enabled', from: 'Yes', to: 'No' }]],
    ['unchanged fields are left out', { name: 'A', rank: 1 }, { name: 'B', rank: 1 }, [{ field: 'Name', from: 'A', to: 'B' }]],
    [
      'permission lists show what was added and removed, by catalog name',
      { permissions: [JOIN, 'x-unknown'] },
      { permissions: [VIEW_LIST, 'x-unknown'] },
      [{ field: 'Permissions', added: [viewListName], removed: [joinName] }],
    ],
    ['a group id shows the group name', { groupId: null }, { groupId: 2 }, [{ field: 'Group', from: '—', to: 'Tier 1' }]],
    ['an unknown group says so', { groupId: 2 }, { groupId: 99 }, [{ field: 'Group', from: 'Tier 1', to: 'group #99' }]],
    [
      'a created entity shows its values',
      null,
      { permission: JOIN, effect: 'grant', reason: 'pilot', expiresAt: '2030-01-02T03:04:05.000Z' },
      [
        { field: 'Permission', to: joinName },
        { field: 'Effect', to: 'grant' },
        { field: 'Reason', to: 'pilot' },
        { field: 'Expires', to: '2030-01-02 03:04 UTC' },
      ],
    ],
    [
      'a deleted entity shows what it was',
      { name: 'Night shift', parentId: 2 },
      null,
      [
        { field: 'Name', from: 'Night shift' },
        { field: 'Parent group', from: 'Tier 1' },
      ],
    ],
    [
      'list items that are objects read as their fields',
      { profiles: [{ profile: 'Agent', role: 'agent', version: 1 }] },
      { profiles: [{ profile: 'Agent', role: 'agent', version: 2 }] },
      [{ field: 'Profiles', added: ['profile Agent, role Agent, version 2'], removed: ['profile Agent, role Agent, version 1'] }],
    ],
    [
      'channel levels by channel name and level name',
      { channels: { [main.key]: 'view' } },
      { channels: { [main.key]: 'manage-settings', [sub.key]: 'none' } },
      [
        { field: `Channels › ${main.name}`, from: 'View only', to: 'Manage settings' },
        { field: `Channels › ${sub.name}`, from: '—', to: 'No access' },
      ],
    ],
    ['a role key shows the role name', { base: 'agent-manager' }, { base: 'agent' }, [{ field: 'Based on', from: 'Agent manager', to: 'Agent' }]],
    ['nothing before and after: nothing to show', null, null, []],
  ])('%s', (_, before, after, expected) => {
    expect(describeChanges(names, before, after)).toEqual(expected);
  });

  it('writes each change as one line of text for the CSV', () => {
    expect(
      [
        { field: 'Enabled', from: 'Yes', to: 'No' },
        { field: 'Permissions', added: ['A', 'B'], removed: ['C'] },
        { field: 'Reason', to: 'pilot' },
        { field: 'Name', from: 'Old' },
      ].map(changeText),
    ).toEqual(['Enabled: Yes → No', 'Permissions: added A, B; removed C', 'Reason: pilot', 'Name: was Old']);
  });

  it('names fields and entity types as a person would', () => {
    expect(['managedGroupIds', 'loginName', 'maxChats', 'someNewField'].map(fieldLabel)).toEqual([
      'Manages groups',
      'Login name',
      'Max chats',
      'Some new field',
    ]);
    expect(['account-feature', 'user', 'api-token'].map(entityTypeLabel)).toEqual(['Account feature', 'User', 'Api token']);
  });
});
