import { describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog';
import { effectivePermissions, hasChannelLevel, type HeldProfile, type PermissionOverride } from './effective';
import { resolveChannelLevels, type ChannelSettings } from './channels';
import { livepersonCatalog } from '@/seeds/catalogs/liveperson';

const catalog = loadCatalog(livepersonCatalog);
const NOW = Date.UTC(2026, 10, 22);
const held = (channels: ChannelSettings, profileId = 1): HeldProfile => ({
  profileId,
  profileName: `P${profileId}`,
  roleKey: 'agent',
  version: 1,
  enabled: [],
  channels,
});
const level = (id: number, channel: string, lvl: PermissionOverride['level'], expiresAt: number | null = null): PermissionOverride => ({
  id,
  permissionKey: channel,
  effect: 'level',
  level: lvl,
  reason: 'test',
  createdBy: 'Avery Admin',
  expiresAt,
});
const levels = (profiles: HeldProfile[], overrides: PermissionOverride[] = []) => {
  const e = effectivePermissions(catalog, { profiles, overrides, enabledFeatures: new Set(), now: NOW });
  return Object.fromEntries([...e.channels].map(([k, v]) => [k, v.level]));
};

describe('channel levels', () => {
  it('a main channel flows to its sub-channels unless one sets its own', () => {
    const resolved = resolveChannelLevels(catalog.channels, { messaging: 'view', whatsapp: 'manage-settings' });
    expect(resolved.get('messaging')).toEqual({ level: 'view', inheritedFrom: null });
    expect(resolved.get('telegram')).toEqual({ level: 'view', inheritedFrom: 'messaging' });
    expect(resolved.get('whatsapp')).toEqual({ level: 'manage-settings', inheritedFrom: null });
    expect(resolved.get('email')).toEqual({ level: 'none', inheritedFrom: null });
  });

  it.each([
    ['one profile', [held({ messaging: 'manage-conversations' })], [], { messaging: 'manage-conversations', viber: 'manage-conversations', email: 'none' }],
    [
      'the highest of two profiles, per channel',
      [held({ messaging: 'view', email: 'manage-settings' }), held({ messaging: 'manage-conversations', viber: 'none' }, 2)],
      [],
      { messaging: 'manage-conversations', viber: 'view', email: 'manage-settings' },
    ],
    [
      'an override on a main channel sets it and its sub-channels',
      [held({ messaging: 'manage-conversations' })],
      [level(1, 'messaging', 'view')],
      { messaging: 'view', instagram: 'view' },
    ],
    [
      'an override on a sub-channel beats one on its main channel',
      [held({ messaging: 'view' })],
      [level(1, 'whatsapp', 'manage-settings'), level(2, 'messaging', 'none')],
      { messaging: 'none', whatsapp: 'manage-settings', telegram: 'none' },
    ],
    ['an expired override no longer counts', [held({ voice: 'view' })], [level(1, 'voice', 'manage-settings', NOW - 1)], { voice: 'view' }],
  ])('%s', (_label, profiles, overrides, expected) => {
    expect(levels(profiles, overrides)).toMatchObject(expected);
  });

  it('checks a level in O(1) on the precomputed levels', () => {
    const e = effectivePermissions(catalog, { profiles: [held({ messaging: 'manage-conversations' })], overrides: [], enabledFeatures: new Set(), now: NOW });
    const whatsapp = catalog.channelByKey.get('whatsapp')!.index;
    expect(hasChannelLevel(e, whatsapp, 'view')).toBe(true);
    expect(hasChannelLevel(e, whatsapp, 'manage-conversations')).toBe(true);
    expect(hasChannelLevel(e, whatsapp, 'manage-settings')).toBe(false);
  });

  it('explains where a level comes from', () => {
    const e = effectivePermissions(catalog, {
      profiles: [held({ messaging: 'view' })],
      overrides: [level(4, 'viber', 'manage-settings')],
      enabledFeatures: new Set(),
      now: NOW,
    });
    expect(e.channels.get('viber')!.sources).toEqual([
      { kind: 'profile', profileId: 1, profileName: 'P1', version: 1, level: 'view', inheritedFrom: 'messaging' },
      { kind: 'override', overrideId: 4, by: 'Avery Admin', reason: 'test', expiresAt: null, level: 'manage-settings', inheritedFrom: null },
    ]);
  });
});
