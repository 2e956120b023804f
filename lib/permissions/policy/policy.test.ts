import { describe, expect, it } from 'vitest';
import { roleDefaults, type Catalog } from '../catalog';
import { CONSOLE } from '../console';
import { effectivePermissions, type PermissionOverride } from '../effective';
import { PRESETS, presetCatalog, type PresetName } from '@/seeds/presets';
import { VERBS } from '../catalog-schema';
import {
  applyRefusals,
  coveringPermissions,
  handOutRefusal,
  reachFor,
  reachOf,
  manageRefusal,
  maxCustomRoleRank,
  permissionsLost,
  roleRefusal,
  usesPermission,
  type Subject,
} from '.';

const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
const SUPPORT = 2;
const SALES = 3;

/** A person holding the default profile of each of `roles`, plus `extra` granted and `revoked` taken by overrides. */
function person(
  catalog: Catalog,
  userId: number,
  roles: string[],
  place: { groupId?: number | null; managed?: number[] } = {},
  extra: string[] = [],
  revoked: string[] = [],
): Subject {
  const features = new Set(catalog.features.filter((f) => f.enabledByDefault).map((f) => f.key));
  const profiles = roles.map((roleKey, i) => {
    const role = catalog.roleByKey.get(roleKey)!;
    return { profileId: i + 1, profileName: role.name, roleKey, version: 1, enabled: roleDefaults(role, features), channels: role.channelDefaults };
  });
  const override = (permissionKey: string, effect: 'grant' | 'revoke', id: number): PermissionOverride => ({
    id,
    permissionKey,
    effect,
    reason: '',
    createdBy: '',
    expiresAt: null,
  });
  const overrides = [...extra.map((k, i) => override(k, 'grant', i + 1)), ...revoked.map((k, i) => override(k, 'revoke', 100 + i))];
  const managed = place.managed ?? [];
  return {
    userId,
    catalog,
    effective: effectivePermissions(catalog, { profiles, overrides, enabledFeatures: features, now: 0 }),
    roleKeys: new Set(roles),
    maxRank: Math.max(0, ...roles.map((r) => catalog.roleByKey.get(r)!.rank)),
    groupId: place.groupId ?? null,
    managedGroupIds: managed,
    // Support and Sales are leaves in these tests: a subtree is the managed groups themselves.
    subtree: new Set(managed),
  };
}

const byRank = (catalog: Catalog) => [...catalog.roles].filter((r) => r.builtIn).sort((a, b) => b.rank - a.rank);

describe.each(PRESET_NAMES)('the policy on the %s preset', (preset) => {
  const catalog = presetCatalog(preset);
  const [top, second] = byRank(catalog);
  const admin = person(catalog, 1, [top!.key]);

  it('an account admin may give every console permission his own covers (delegating limited user management)', () => {
    const covered = catalog.permissions
      .map((p) => p.key)
      .filter(
        (k) =>
          catalog.permissionByKey.has(k) &&
          !admin.effective.explain.get(k)?.allowed &&
          coveringPermissions(catalog, k).some((c) => admin.effective.explain.get(c)?.allowed),
      );
    if (preset === 'liveperson') expect(covered).toContain(CONSOLE.manageAgentUsersInGroup);
    for (const key of covered) expect(handOutRefusal(admin, key), key).toBeNull();
  });

  it('nobody gives a console permission he neither holds nor covers', () => {
    const low = person(catalog, 2, [byRank(catalog).at(-1)!.key]);
    for (const key of Object.values(CONSOLE).filter((k) => catalog.permissionByKey.has(k) && !low.effective.explain.get(k)?.allowed)) {
      expect(handOutRefusal(low, key), key).toMatch(/yourself/);
    }
  });

  it('nobody manages a user whose role ranks above his own', () => {
    const lower = person(catalog, 2, [second!.key]);
    expect(manageRefusal(lower, admin)).toMatch(/ranks above yours/);
  });

  it('an admin manages a peer admin, and is refused one who holds a console permission he lacks', () => {
    const peer = person(catalog, 3, [top!.key]);
    expect(manageRefusal(admin, peer)).toBeNull();
    const someConsole = Object.values(CONSOLE).find((k) => admin.effective.explain.get(k)?.allowed && catalog.permissionByKey.has(k))!;
    const restricted = person(catalog, 4, [top!.key], {}, [], [someConsole]);
    expect(manageRefusal(restricted, peer)).toMatch(/which you don't/);
  });

  it("the top-ranked role is assigned only by its holders, and no role above one's own", () => {
    const lower = person(catalog, 2, [second!.key]);
    expect(roleRefusal(lower, top!.key)).toMatch(/Only holders|ranked above/);
    expect(roleRefusal(admin, top!.key)).toBeNull();
  });

  it('a custom role is ranked no higher than its base, below the top, nor above its maker', () => {
    for (const base of catalog.roles.filter((r) => r.builtIn)) {
      const max = maxCustomRoleRank(admin, base);
      expect(max).toBeLessThanOrEqual(base.rank);
      expect(max).toBeLessThan(catalog.topRank);
    }
    const lower = person(catalog, 2, [second!.key]);
    expect(maxCustomRoleRank(lower, top!)).toBeLessThanOrEqual(lower.maxRank);
  });

  it('a granular permission gates its verb of its section ("view" gates every verb) and no other; without granular permissions holding the section is enough', () => {
    const sections = [...catalog.granularOf.keys()].filter((k) => admin.effective.explain.get(k)?.allowed);
    if (preset === 'aivo') expect(sections).toContain(CONSOLE.manageUsers);
    else expect(sections).toEqual([]);
    for (const section of sections) {
      for (const [verb, granular] of catalog.granularOf.get(section)!) {
        const without = person(catalog, 6, [top!.key], {}, [], [granular]);
        expect(reachFor(without, [section], verb), `${section} ${verb}`).toBeNull();
        for (const other of VERBS.filter((v) => v !== verb))
          expect(reachFor(without, [section], other), `${section} ${other} without ${verb}`).toBe(verb === 'view' ? null : 'account');
      }
    }
    for (const key of Object.values(CONSOLE).filter((k) => !catalog.granularOf.has(k)))
      for (const verb of VERBS) expect(reachFor(admin, [key], verb)).toBe(reachOf(admin, key));
  });

  it('the last holder: a console permission nobody among the changed users keeps is lost', () => {
    const key = Object.values(CONSOLE).find((k) => admin.effective.explain.get(k)?.allowed && catalog.permissionByKey.has(k))!;
    expect(permissionsLost(catalog, [{ before: admin, after: null }])).toContain(key);
    expect(permissionsLost(catalog, [{ before: admin, after: admin }])).toEqual([]);
  });

  it('a holder counts only if he can use it: an account-wide console permission granted to the lowest role keeps nobody in', () => {
    const lowest = byRank(catalog).at(-1)!.key;
    const key = CONSOLE.viewAuditTrail;
    if (!catalog.permissionByKey.has(key)) return;
    const granted = person(catalog, 5, [lowest], { groupId: SUPPORT }, [key]);
    expect(granted.effective.explain.get(key)?.allowed, 'the grant makes him hold it').toBe(true);
    expect(usesPermission(granted, key)).toBe(false);
    expect(usesPermission(admin, key)).toBe(true);
    // Losing such a holder loses nothing; losing the admin does.
    expect(permissionsLost(catalog, [{ before: granted, after: null }])).not.toContain(key);
  });
});

describe('agent managers on the LivePerson preset (the holes found from outside)', () => {
  const catalog = presetCatalog('liveperson');
  const withUserManagement = [CONSOLE.manageAgentUsersInGroup, CONSOLE.manageAgentManagerUsersInGroup];
  const manager = person(catalog, 10, ['agent-manager'], { groupId: SUPPORT, managed: [SUPPORT] }, withUserManagement);

  it('an in-group permission keeps its holder in only while he manages a group', () => {
    const unplaced = person(catalog, 15, ['agent-manager'], { groupId: SUPPORT, managed: [] }, withUserManagement);
    expect(usesPermission(manager, CONSOLE.manageAgentUsersInGroup)).toBe(true);
    expect(usesPermission(unplaced, CONSOLE.manageAgentUsersInGroup)).toBe(false);
  });

  it.each([
    ['an agent of his group', person(catalog, 11, ['agent'], { groupId: SUPPORT }), null],
    ['an agent outside his structure', person(catalog, 12, ['agent'], { groupId: SALES }), /outside your group structure/],
    ['an agent holding a console permission he lacks', person(catalog, 13, ['agent'], { groupId: SUPPORT }, [CONSOLE.viewAuditTrail]), /which you don't/],
    [
      'a peer agent manager of his group who manages Sales',
      person(catalog, 14, ['agent-manager'], { groupId: SUPPORT, managed: [SALES] }),
      /manages groups outside your group structure/,
    ],
    [
      'a user of his group who manages his group (he can act on the manager)',
      person(catalog, 15, ['agent-manager'], { groupId: SUPPORT, managed: [SUPPORT] }, withUserManagement),
      /he can manage you/,
    ],
    ['an admin', person(catalog, 16, ['admin'], { groupId: SUPPORT }), /ranks above yours|which you don't/],
  ] as const)('%s', (_label, target, expected) => {
    const refusal = manageRefusal(manager, target);
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(expected);
  });

  it('applying a version (mayApply): refused while any holder is beyond him; an admin of profiles needs no holder check', () => {
    const role = catalog.roleByKey.get('agent')!;
    const features = new Set(catalog.features.filter((f) => f.enabledByDefault).map((f) => f.key));
    const current = roleDefaults(role, features);
    const change = {
      profileName: 'Agent',
      role,
      defaults: new Set(current),
      held: [{ permissions: current, channels: role.channelDefaults }],
      next: current,
      nextChannels: role.channelDefaults,
      holdersTopRank: role.rank,
    };
    const inGroup = person(catalog, 40, ['agent'], { groupId: SUPPORT });
    const outside = person(catalog, 41, ['agent'], { groupId: SALES });
    expect(applyRefusals(manager, change, () => [inGroup])).toEqual([]);
    expect(applyRefusals(manager, change, () => [inGroup, outside]).join(' ')).toMatch(/held by 1 user\(s\) you may not manage/);
    expect(applyRefusals(manager, { ...change, held: [] }, () => [outside])).toEqual([]);
    const admin = person(catalog, 1, ['admin']);
    expect(
      applyRefusals(admin, change, () => {
        throw new Error('an account-wide profile manager is not asked about holders');
      }),
    ).toEqual([]);
    // What an older version's holders would gain must be his to give.
    // A holder ranked above him (an Admin holding this profile too) stops an account-wide profile manager as well.
    const deputy = person(catalog, 2, ['admin']);
    expect(applyRefusals({ ...deputy, maxRank: 2 }, { ...change, holdersTopRank: catalog.roleByKey.get('admin')!.rank }, () => []).join(' ')).toMatch(
      /ranks above yours/,
    );
    const gained = role.permissions.find((p) => !current.includes(p.key) && handOutRefusal(manager, p.key, false) !== null)!;
    expect(applyRefusals(manager, { ...change, next: [...current, gained.key] }, () => [inGroup])).not.toEqual([]);
  });

  it('a restriction is not lifted through a proxy: the user he made cannot act on him', () => {
    const restricted = person(catalog, 10, ['agent-manager'], { groupId: SUPPORT, managed: [SUPPORT] }, withUserManagement, [CONSOLE.manageSkills]);
    const proxy = person(catalog, 20, ['agent-manager'], { groupId: SUPPORT, managed: [SUPPORT] }, withUserManagement);
    expect(manageRefusal(proxy, restricted)).toMatch(/he can manage you/);
  });

  it('without the in-group user permission for a role, its users are out of reach', () => {
    const agentsOnly = person(catalog, 30, ['agent-manager'], { groupId: SUPPORT, managed: [SUPPORT] }, [CONSOLE.manageAgentUsersInGroup]);
    expect(manageRefusal(agentsOnly, person(catalog, 31, ['agent-manager'], { groupId: SUPPORT }))).toMatch(/not Agent manager/);
  });
});
