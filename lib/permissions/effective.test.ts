import { describe, expect, it } from 'vitest';
import { loadCatalog, roleDefaults } from './catalog';
import { bitsOf, effectivePermissions, keysOf, limitToApiKey, type EffectiveInput, type HeldProfile, type PermissionOverride } from './effective';
import { subtreeIds } from './scope';
import { PermissionBits } from './bitset';
import { livepersonCatalog } from '@/seeds/catalogs/liveperson';

const catalog = loadCatalog(livepersonCatalog);
const NOW = Date.UTC(2026, 10, 22, 12);
const ALL_FEATURES = new Set(catalog.features.map((f) => f.key));

const profile = (roleKey: string, enabled: string[], version = 1, profileId = 1): HeldProfile => ({
  profileId,
  profileName: `${roleKey} profile`,
  roleKey,
  version,
  enabled,
});
const override = (permissionKey: string, effect: 'grant' | 'revoke', expiresAt: number | null = null, id = 1): PermissionOverride => ({
  id,
  permissionKey,
  effect,
  reason: 'test',
  createdBy: 'Avery Admin',
  expiresAt,
});
const input = (parts: Partial<EffectiveInput>): EffectiveInput => ({
  profiles: [],
  overrides: [],
  enabledFeatures: ALL_FEATURES,
  now: NOW,
  ...parts,
});

describe('effectivePermissions', () => {
  const agentDefaults = roleDefaults(catalog.roleByKey.get('agent')!, ALL_FEATURES);

  const cases: { name: string; input: EffectiveInput; has: string[]; lacks: string[] }[] = [
    {
      name: 'no profile: nothing at all',
      input: input({}),
      has: [],
      lacks: ['change-own-settings', 'handle-messaging-conversations'],
    },
    {
      name: 'core permissions come with the role even when every toggle is off',
      input: input({ profiles: [profile('agent', [])] }),
      has: ['change-own-settings', 'accept-conversations-within-max-concurrency', 'view-own-performance'],
      lacks: ['handle-messaging-conversations', 'view-queue-health-dashboard'],
    },
    {
      name: 'the role defaults of a default profile',
      input: input({ profiles: [profile('agent', agentDefaults)] }),
      has: ['handle-messaging-conversations', 'initiate-voice-conversation', 'access-conversational-ai-menu'],
      lacks: ['join-agents-conversations-in-group', 'manage-users-and-roles'],
    },
    {
      name: 'a permission the role does not have is ignored even if the version lists it',
      input: input({ profiles: [profile('agent', ['manage-users-and-roles'])] }),
      has: [],
      lacks: ['manage-users-and-roles'],
    },
    {
      name: 'two profiles in two roles add up',
      input: input({ profiles: [profile('agent', ['handle-messaging-conversations']), profile('admin', ['manage-profiles'], 3, 2)] }),
      has: ['handle-messaging-conversations', 'manage-profiles', 'configure-monitored-domains', 'view-own-performance'],
      lacks: ['manage-users-and-roles'],
    },
    {
      name: 'a grant override adds one permission',
      input: input({ profiles: [profile('agent', [])], overrides: [override('join-agents-conversations-in-group', 'grant')] }),
      has: ['join-agents-conversations-in-group'],
      lacks: [],
    },
    {
      name: 'an expired grant no longer counts',
      input: input({ profiles: [profile('agent', [])], overrides: [override('join-agents-conversations-in-group', 'grant', NOW - 1)] }),
      has: [],
      lacks: ['join-agents-conversations-in-group'],
    },
    {
      name: 'a grant that expires later still counts',
      input: input({ profiles: [profile('agent', [])], overrides: [override('join-agents-conversations-in-group', 'grant', NOW + 60_000)] }),
      has: ['join-agents-conversations-in-group'],
      lacks: [],
    },
    {
      name: 'a revoke override takes a profile permission away, and beats a grant',
      input: input({
        profiles: [profile('agent', ['handle-messaging-conversations', 'set-manual-sla-for-conversations'])],
        overrides: [
          override('handle-messaging-conversations', 'revoke'),
          override('set-manual-sla-for-conversations', 'grant', null, 2),
          override('set-manual-sla-for-conversations', 'revoke', null, 3),
        ],
      }),
      has: [],
      lacks: ['handle-messaging-conversations', 'set-manual-sla-for-conversations'],
    },
    {
      name: 'an expired revoke no longer takes anything away',
      input: input({
        profiles: [profile('agent', ['handle-messaging-conversations'])],
        overrides: [override('handle-messaging-conversations', 'revoke', NOW)],
      }),
      has: ['handle-messaging-conversations'],
      lacks: [],
    },
    {
      name: 'a core permission cannot be revoked',
      input: input({ profiles: [profile('agent', [])], overrides: [override('change-own-settings', 'revoke')] }),
      has: ['change-own-settings'],
      lacks: [],
    },
    {
      name: 'an account feature that is off takes its permissions away, from profiles and grants alike',
      input: input({
        profiles: [profile('agent', ['send-files-to-consumers-from-local-file-browser', 'handle-messaging-conversations'])],
        overrides: [override('use-secure-form-in-a-conversation', 'grant')],
        enabledFeatures: new Set(['messaging']),
      }),
      has: ['handle-messaging-conversations'],
      lacks: ['send-files-to-consumers-from-local-file-browser', 'use-secure-form-in-a-conversation'],
    },
  ];

  it.each(cases)('$name', ({ input: given, has, lacks }) => {
    const result = effectivePermissions(catalog, given);
    for (const key of has) expect(result.explain.get(key)?.allowed, key).toBe(true);
    for (const key of lacks) expect(result.explain.get(key)?.allowed, key).toBe(false);
    // The bitset and the explanation always agree.
    for (const meta of catalog.permissions) expect(result.bits.has(meta.bit), meta.key).toBe(result.explain.get(meta.key)!.allowed);
  });

  it('explains where a permission comes from', () => {
    const result = effectivePermissions(
      catalog,
      input({ profiles: [profile('agent-manager', ['manage-skills'], 4, 9)], overrides: [override('manage-skills', 'grant', NOW + 1000, 7)] }),
    );
    expect(result.explain.get('manage-skills')!.sources).toEqual([
      { kind: 'profile', profileId: 9, profileName: 'agent-manager profile', roleKey: 'agent-manager', version: 4 },
      { kind: 'grant', overrideId: 7, by: 'Avery Admin', reason: 'test', expiresAt: NOW + 1000 },
    ]);
    expect(result.explain.get('view-queue-health-dashboard')!.sources).toEqual([{ kind: 'core', roleKey: 'agent-manager', roleName: 'Agent manager' }]);
  });

  it('explains why a permission is missing', () => {
    const result = effectivePermissions(
      catalog,
      input({
        profiles: [profile('agent', ['handle-messaging-conversations', 'send-files-to-consumers-from-custom-widgets'])],
        overrides: [override('handle-messaging-conversations', 'revoke', null, 5), override('join-agents-conversations-in-group', 'grant', NOW - 10, 6)],
        enabledFeatures: new Set(),
      }),
    );
    expect(result.explain.get('handle-messaging-conversations')!.missing.map((m) => m.kind)).toEqual(['revoked']);
    expect(result.explain.get('join-agents-conversations-in-group')!.missing.map((m) => m.kind)).toEqual(['not-in-profiles', 'grant-expired']);
    expect(result.explain.get('send-files-to-consumers-from-custom-widgets')!.missing).toEqual([
      { kind: 'feature-off', feature: 'file-sharing', featureName: 'File sharing' },
    ]);
    expect(result.explain.get('manage-profiles')!.missing).toEqual([{ kind: 'not-in-profiles' }]);
  });
});

describe('limitToApiKey', () => {
  const adminDefaults = roleDefaults(catalog.roleByKey.get('admin')!, ALL_FEATURES);
  const admin = effectivePermissions(catalog, input({ profiles: [profile('admin', adminDefaults)] }));

  it('keeps what the key lists and the user holds; everything else is missing "not in the API key"', () => {
    const key = limitToApiKey(catalog, admin, ['manage-skills', 'manage-users-and-roles', 'handle-messaging-conversations']);
    expect(keysOf(catalog, key.bits).sort()).toEqual(['manage-skills', 'manage-users-and-roles']);
    expect(key.explain.get('manage-skills')?.allowed).toBe(true);
    expect(key.explain.get('manage-profiles')).toMatchObject({ allowed: false, missing: [{ kind: 'not-in-api-key' }] });
    // Listed but not held by the user: still refused, for the user's own reason.
    expect(key.explain.get('handle-messaging-conversations')).toMatchObject({ allowed: false, missing: [{ kind: 'not-in-profiles' }] });
    expect(key.channelLevels).toEqual(admin.channelLevels);
    // The user's own result is untouched.
    expect(admin.explain.get('manage-profiles')?.allowed).toBe(true);
  });
});

describe('PermissionBits', () => {
  it('sets, clears, covers and lists bits across word boundaries', () => {
    const bits = new PermissionBits(100);
    for (const b of [0, 31, 32, 63, 99]) bits.set(b);
    expect([...bits.bits()]).toEqual([0, 31, 32, 63, 99]);
    expect(bits.has(31) && bits.has(32) && !bits.has(33)).toBe(true);
    const some = new PermissionBits(100).set(31).set(99);
    expect(bits.covers(some)).toBe(true);
    bits.clear(99);
    expect(bits.covers(some)).toBe(false);
    expect(bits.clone().andNot(some).has(31)).toBe(false);
  });

  it('round-trips keys', () => {
    const keys = ['manage-users-and-roles', 'view-web-tag-page', 'functions-developer'];
    expect(keysOf(catalog, bitsOf(catalog, keys)).sort()).toEqual([...keys].sort());
  });
});

describe('subtreeIds', () => {
  const groups = [
    { id: 1, parentId: null },
    { id: 2, parentId: 1 },
    { id: 3, parentId: 2 },
    { id: 4, parentId: null },
    { id: 5, parentId: 4 },
  ];
  it.each([
    [[1], [1, 2, 3]],
    [[2], [2, 3]],
    [
      [4, 3],
      [3, 4, 5],
    ],
    [[], []],
  ])('roots %j reach %j', (roots, expected) => {
    expect([...subtreeIds(groups, roots)].sort()).toEqual(expected);
  });
});
