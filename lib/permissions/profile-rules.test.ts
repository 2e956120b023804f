import { describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog';
import { closeOverRequires, dependentsOf, diffKeys, profileProblems } from './profile-rules';
import { livepersonCatalog } from '@/seeds/catalogs/liveperson';

const catalog = loadCatalog(livepersonCatalog);
const am = catalog.roleByKey.get('agent-manager')!;
const ACM = 'conversation-builder-api-credentials-manager';
const LITE = 'conversation-builder-bot-builder-lite';
const DEV = 'conversation-builder-api-developer';

describe('closeOverRequires', () => {
  it.each([
    [[ACM], [ACM, DEV, LITE], { [LITE]: ACM, [DEV]: ACM }],
    [[LITE], [LITE], {}],
    [[ACM, LITE], [ACM, DEV, LITE], { [DEV]: ACM }],
    [[], [], {}],
  ])('turning on %j yields %j', (on, expected, because) => {
    const { keys, addedBecause } = closeOverRequires(am, on);
    expect([...keys].sort()).toEqual([...expected].sort());
    expect(Object.fromEntries(addedBecause)).toEqual(because);
  });

  it('does not invent prerequisites in a role whose definition states none', () => {
    const agent = catalog.roleByKey.get('agent')!;
    expect([...closeOverRequires(agent, [ACM]).keys]).toEqual([ACM]);
  });
});

describe('dependentsOf', () => {
  it('lists the enabled permissions that need one being turned off', () => {
    expect(dependentsOf(am, LITE, new Set([ACM, LITE, DEV]))).toEqual([ACM]);
    expect(dependentsOf(am, LITE, new Set([LITE, DEV]))).toEqual([]);
    expect(dependentsOf(am, ACM, new Set([ACM, LITE, DEV]))).toEqual([]);
  });
});

describe('profileProblems', () => {
  it.each([
    [[LITE, DEV, ACM], []],
    [[ACM, LITE], [{ kind: 'missing-prerequisite', key: ACM, requires: DEV }]],
    [['view-queue-health-dashboard'], [{ kind: 'core', key: 'view-queue-health-dashboard' }]],
    [['manage-users-and-roles'], [{ kind: 'unknown', key: 'manage-users-and-roles' }]],
    [['no-such-thing'], [{ kind: 'unknown', key: 'no-such-thing' }]],
  ])('%j → %j', (keys, problems) => {
    expect(profileProblems(am, keys)).toEqual(problems);
  });
});

describe('diffKeys', () => {
  it('names what a change adds and removes', () => {
    expect(diffKeys(['a', 'b'], ['b', 'c'])).toEqual({ added: ['c'], removed: ['a'] });
  });
});
