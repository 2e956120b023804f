import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, snapshot, userByLogin } from '@/lib/testing/db';
import { createProfile, getProfile, previewProfileChange, profileVersionDiff, saveProfile } from './profiles';
import { addOverride, getUserAccess } from './users';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const agentProfile = () => db.select().from(t.profiles).where(eq(t.profiles.name, 'Agent')).get()!.id;
const channelLevel = (login: string, channel: string) =>
  getUserAccess({ ctx: principalOf(db, 'admin'), input: { id: userByLogin(db, login).id } }).channels.find((c) => c.key === channel)!.level;

describe('channel levels in profiles', () => {
  it('new profiles start at the role defaults; every user holding a profile gets its levels, sub-channels following the main one', () => {
    const p = getProfile({ ctx: principalOf(db, 'admin'), input: { id: agentProfile() } });
    expect(p.channels).toEqual(p.channelDefaults);
    expect(channelLevel('agent', 'whatsapp')).toBe('manage-conversations');
  });

  it('save and apply sets a sub-channel of its own, with the change in the preview and the version diff', () => {
    const admin = principalOf(db, 'admin');
    const p = getProfile({ ctx: admin, input: { id: agentProfile() } });
    const channels = { ...p.channels, whatsapp: 'view' as const };
    expect(previewProfileChange({ ctx: admin, input: { id: p.id, permissions: p.permissions, channels, mode: 'apply' } }).losses).toEqual([
      'WhatsApp: Manage conversations → View only',
    ]);
    const { version } = saveProfile({
      ctx: admin,
      input: { id: p.id, rowVersion: p.rowVersion, name: 'Agent', description: '', permissions: p.permissions, channels, note: '', mode: 'apply' },
    });
    expect(channelLevel('agent', 'whatsapp')).toBe('view');
    expect(channelLevel('agent', 'telegram')).toBe('manage-conversations');
    expect(profileVersionDiff({ ctx: admin, input: { id: p.id, from: version - 1, to: version } }).removed).toEqual([
      'WhatsApp: Manage conversations → View only',
    ]);
  });

  it('nobody grants a level above his own in that channel; an unknown channel is refused', () => {
    const manager = principalOf(db, 'manager');
    const p = getProfile({ ctx: manager, input: { id: agentProfile() } });
    const before = snapshot(db);
    const error = refusalOf(() =>
      createProfile({
        ctx: manager,
        input: { roleKey: 'agent', name: 'Settings agents', permissions: p.defaults, channels: { messaging: 'manage-settings' } },
      }),
    );
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/You hold "Manage conversations" in Messaging, so you can't give "Manage settings"/);
    const unknown = refusalOf(() =>
      createProfile({ ctx: principalOf(db, 'admin'), input: { roleKey: 'agent', name: 'X', permissions: [], channels: { pigeon: 'view' } } }),
    );
    expect(unknown.fieldErrors).toHaveProperty('channels');
    const badLevel = refusalOf(() =>
      createProfile({ ctx: principalOf(db, 'admin'), input: { roleKey: 'agent', name: 'X', permissions: [], channels: { email: 'god-mode' } } }),
    );
    expect(badLevel.code).toBe('invalid');
    expect(snapshot(db)).toEqual(before);
  });

  it('a per-user override sets one channel level, within the actor\u2019s own', () => {
    const target = userByLogin(db, 'agent');
    addOverride({
      ctx: principalOf(db, 'admin'),
      input: { userId: target.id, permissionKey: 'email', effect: 'level', level: 'none', reason: 'No email this month' },
    });
    expect(channelLevel('agent', 'email')).toBe('none');
    const error = refusalOf(() =>
      addOverride({
        ctx: principalOf(db, 'manager'),
        input: { userId: target.id, permissionKey: 'voice', effect: 'level', level: 'manage-settings', reason: 'x' },
      }),
    );
    expect(error.code).toBe('forbidden');
    expect(
      refusalOf(() =>
        addOverride({ ctx: principalOf(db, 'admin'), input: { userId: target.id, permissionKey: 'pigeon', effect: 'level', level: 'view', reason: 'x' } }),
      ).fieldErrors,
    ).toHaveProperty('permissionKey');
  });
});

describe('assigning a profile hands out its channel levels', () => {
  it('an agent manager cannot assign a profile whose channel levels exceed his', async () => {
    const { assignProfile } = await import('./users');
    const admin = principalOf(db, 'admin');
    const p = getProfile({ ctx: admin, input: { id: agentProfile() } });
    const { id } = createProfile({
      ctx: admin,
      input: { roleKey: 'agent', name: 'Voice supervisors', permissions: p.defaults, channels: { voice: 'manage-settings' } },
    });
    const error = refusalOf(() => assignProfile({ ctx: principalOf(db, 'manager'), input: { userId: userByLogin(db, 'chloe.nguyen').id, profileId: id } }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/in Voice, so you can't give "Manage settings"/);
  });
});

describe('removing a channel-level override', () => {
  it('is refused when it would raise the user above the actor\u2019s own level', async () => {
    const { removeOverride } = await import('./users');
    const target = userByLogin(db, 'chloe.nguyen'); // in Support: inside the manager's reach
    const admin = principalOf(db, 'admin');
    // A profile giving Voice "Manage settings", lowered for this user by an override.
    const { id: profileId } = createProfile({
      ctx: admin,
      input: { roleKey: 'agent', name: 'Voice leads', permissions: [], channels: { voice: 'manage-settings' } },
    });
    db.delete(t.userProfiles).where(eq(t.userProfiles.userId, target.id)).run();
    db.insert(t.userProfiles).values({ userId: target.id, roleKey: 'agent', profileId, version: 1 }).run();
    const { id } = addOverride({ ctx: admin, input: { userId: target.id, permissionKey: 'voice', effect: 'level', level: 'view', reason: 'Training' } });
    expect(refusalOf(() => removeOverride({ ctx: principalOf(db, 'manager'), input: { id } })).message).toMatch(
      /hold "Manage conversations" in Voice, so you can't give him back "Manage settings"/,
    );
    removeOverride({ ctx: admin, input: { id } });
    expect(channelLevel('chloe.nguyen', 'voice')).toBe('manage-settings');
  });
});
