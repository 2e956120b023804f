import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, refusalOf, userByLogin, writeFromAnotherProcess } from '@/lib/testing/db';
import { LEVELS } from '@/lib/permissions/channels';
import { decide, engineSubject, type Decision } from '@/lib/permissions/decision-index';
import { effectivePermissions } from '@/lib/permissions/effective';
import { authorizeBatch, decisionIndex } from './decisions';
import { readEffectiveInput } from './principal';
import { addOverride, setUserStatus, assignProfile } from './users';
import { createProfile, getProfile, saveProfile } from './profiles';
import { roleDefaults } from '@/lib/permissions/catalog';
import { setAccountFeature } from './settings';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

interface Question {
  user: number;
  permission: string;
  channel?: string;
}

/** Every question about every user: each permission, bare and in each channel, and each level in each channel. */
function everyQuestion(): Question[] {
  const { catalog } = principalOf(db, 'admin');
  const users = db.select({ id: t.users.id }).from(t.users).all();
  const out: Question[] = [];
  for (const { id } of users) {
    for (const p of catalog.permissions) {
      out.push({ user: id, permission: p.key });
      for (const c of catalog.channels.slice(0, 3)) out.push({ user: id, permission: p.key, channel: c.key });
    }
    for (const c of catalog.channels) for (const level of LEVELS.slice(1)) out.push({ user: id, permission: level, channel: c.key });
  }
  return out;
}

/** What the engine says, computing each user's permissions from the database on its own. */
function engineAnswers(questions: Question[]): Decision[] {
  const { catalog } = principalOf(db, 'admin');
  const cache = new Map<number, ReturnType<typeof engineSubject> | 'deactivated'>();
  return questions.map((q) => {
    if (!cache.has(q.user)) {
      const user = db.select().from(t.users).where(eq(t.users.id, q.user)).get()!;
      cache.set(q.user, user.status === 'active' ? engineSubject(catalog, effectivePermissions(catalog, readEffectiveInput(q.user))) : 'deactivated');
    }
    const subject = cache.get(q.user)!;
    return subject === 'deactivated' ? { allowed: false, reason: 'user-deactivated' } : decide(catalog, subject, q.permission, q.channel);
  });
}

function indexAnswers(questions: Question[]): Decision[] {
  const admin = principalOf(db, 'admin');
  const out: Decision[] = [];
  for (let i = 0; i < questions.length; i += 1000) out.push(...authorizeBatch({ ctx: admin, input: { questions: questions.slice(i, i + 1000) } }).answers);
  return out;
}

const expectAgreement = () => {
  const questions = everyQuestion();
  expect(indexAnswers(questions)).toEqual(engineAnswers(questions));
};

describe('the decision index', () => {
  it('answers every question about every user exactly as the engine does, sharing results between users', () => {
    const questions = everyQuestion();
    const answers = indexAnswers(questions);
    expect(answers).toEqual(engineAnswers(questions));
    // Not a constant answer: both outcomes and several reasons occur.
    expect(new Set(answers.map((a) => a.reason)).size).toBeGreaterThanOrEqual(3);
    const users = db.select({ id: t.users.id }).from(t.users).all().length;
    expect(decisionIndex().combos).toBeLessThan(users / 4);
    expect(decisionIndex().bytes / users).toBeLessThan(100);
  });

  it('stays in step with every kind of change, each seen on the very next question', () => {
    const admin = principalOf(db, 'admin');
    const chloe = userByLogin(db, 'chloe.nguyen');
    const agentRole = admin.catalog.roleByKey.get('agent')!;
    const toggles = roleDefaults(agentRole, new Set(admin.catalog.features.map((f) => f.key)));
    const seniorAgent = createProfile({ ctx: admin, input: { roleKey: 'agent', name: 'Senior Agent', permissions: toggles } });

    assignProfile({ ctx: admin, input: { userId: chloe.id, profileId: seniorAgent.id } });
    expectAgreement();

    addOverride({ ctx: admin, input: { userId: chloe.id, permissionKey: toggles[0]!, effect: 'revoke', reason: 'audit' } });
    addOverride({ ctx: admin, input: { userId: chloe.id, permissionKey: 'messaging', effect: 'level', level: 'view', reason: 'training' } });
    expectAgreement();

    const profile = getProfile({ ctx: admin, input: { id: seniorAgent.id } });
    saveProfile({
      ctx: admin,
      input: { id: profile.id, rowVersion: profile.rowVersion, name: profile.name, description: '', permissions: profile.permissions.slice(1), mode: 'apply' },
    });
    expectAgreement();

    // A hard dependency: with file sharing off, nobody may send files, whatever his profiles say.
    const before = indexAnswers(everyQuestion());
    const feature = db.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, 'file-sharing')).get()!;
    setAccountFeature({ ctx: admin, input: { key: 'file-sharing', enabled: false, rowVersion: feature.rowVersion } });
    expectAgreement();
    const after = indexAnswers(everyQuestion());
    expect(after.filter((a, i) => a.reason === 'feature-off' && before[i]!.allowed).length).toBeGreaterThan(0);

    setUserStatus({ ctx: admin, input: { id: chloe.id, rowVersion: userByLogin(db, 'chloe.nguyen').rowVersion, status: 'deactivated' } });
    expect(authorizeBatch({ ctx: admin, input: { questions: [{ user: chloe.id, permission: 'view-own-performance' }] } }).answers).toEqual([
      { allowed: false, reason: 'user-deactivated' },
    ]);
    expectAgreement();
  });

  it('sees a change another process made without an audit event', () => {
    const admin = principalOf(db, 'admin');
    const dev = userByLogin(db, 'dev.nguyen');
    const ask = () => authorizeBatch({ ctx: admin, input: { questions: [{ user: dev.id, permission: 'view-own-performance' }] } }).answers[0];
    expect(ask()).toEqual({ allowed: true, reason: 'granted' });
    writeFromAnotherProcess(db, "update users set status = 'deactivated' where id = ?", dev.id);
    expect(ask()).toEqual({ allowed: false, reason: 'user-deactivated' });
  });

  it('an override stops counting at its expiry without any write', () => {
    const admin = principalOf(db, 'admin');
    const elena = userByLogin(db, 'elena.nguyen');
    const expiresAt = Date.now() + 60_000;
    const revoked = admin.catalog.roleByKey.get('agent')!.permissions.find((p) => p.default === 'on')!.key;
    addOverride({ ctx: admin, input: { userId: elena.id, permissionKey: revoked, effect: 'revoke', reason: 'one minute', expiresAt: new Date(expiresAt) } });
    const bit = admin.catalog.permissionByKey.get(revoked)!.bit;
    expect(decisionIndex(expiresAt - 1).has(elena.id, bit)).toBe(false);
    expect(decisionIndex(expiresAt + 1).has(elena.id, bit)).toBe(true);
  });

  it('group-scoped checks: a manager reaches his subtree with an in-group permission; an admin the whole account', () => {
    const admin = principalOf(db, 'admin');
    const index = decisionIndex();
    const manage = admin.catalog.permissionByKey.get('manage-agent-users-in-group')!.bit;
    const manageAll = admin.catalog.permissionByKey.get('manage-users-and-roles')!.bit;
    const [manager, agent, sales] = ['manager', 'agent', 'sales'].map((l) => userByLogin(db, l).id) as [number, number, number];
    expect(index.canActOn(manager, manage, agent)).toBe(true);
    expect(index.canActOn(manager, manage, sales)).toBe(false);
    expect(index.canActOn(manager, manageAll, agent)).toBe(false);
    expect(index.canActOn(userByLogin(db, 'admin').id, manageAll, sales)).toBe(true);
  });
});

describe('authorizeBatch', () => {
  it('a key asks about its own user, and about the users it could list; anyone else is "unknown-user"', () => {
    const [agent, sales, tier1] = ['agent', 'sales', 'chloe.nguyen'].map((l) => userByLogin(db, l).id) as [number, number, number];
    const q = (user: number) => ({ user, permission: 'view-own-performance' });
    expect(authorizeBatch({ ctx: principalOf(db, 'agent'), input: { questions: [q(agent), q(sales)] } }).answers.map((a) => a.reason)).toEqual([
      'granted',
      'unknown-user',
    ]);
    const managerAnswers = authorizeBatch({ ctx: principalOf(db, 'manager'), input: { questions: [q(tier1), q(sales), q(999_999)] } }).answers;
    expect(managerAnswers.map((a) => a.reason)).toEqual(['user-deactivated', 'unknown-user', 'unknown-user']);
  });

  it('bad questions name the field and answer nothing', () => {
    const admin = principalOf(db, 'admin');
    const user = userByLogin(db, 'agent').id;
    const cases: [unknown, string][] = [
      [{ questions: [{ user, permission: 'no-such-thing' }] }, 'questions.0.permission'],
      [
        {
          questions: [
            { user, permission: 'view-own-performance' },
            { user, permission: 'view' },
          ],
        },
        'questions.1.channel',
      ],
      [{ questions: [{ user, permission: 'view-own-performance', channel: 'fax' }] }, 'questions.0.channel'],
      [{ questions: [{ user: 'agent', permission: 'view-own-performance' }] }, 'questions.0.user'],
      [{ questions: [] }, 'questions'],
      [{ questions: Array.from({ length: 1001 }, () => ({ user, permission: 'view-own-performance' })) }, 'questions'],
      [{ questions: [{ user, permission: 'view-own-performance', extra: 1 }] }, 'questions.0'],
    ];
    for (const [input, field] of cases) {
      const error = refusalOf(() => authorizeBatch({ ctx: admin, input }));
      expect([error.code, Object.keys(error.fieldErrors ?? {})]).toEqual(['invalid', [field]]);
    }
  });
});
