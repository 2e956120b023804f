import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '@/db/client';
import { createTestDatabase, principalOf } from '@/lib/testing/db';
import { DalError } from './errors';
import { listAuditEvents, listGroups, listSkills } from './directory';
import { setAccountFeature } from './settings';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

describe('read-only directory verbs', () => {
  it('groups: an agent manager sees only his subtree; an agent is refused', () => {
    expect(listGroups({ ctx: principalOf(db, 'admin') }).map((g) => g.name)).toEqual(['Sales', 'Support', 'Tier 1', 'Tier 2']);
    const mine = listGroups({ ctx: principalOf(db, 'manager') });
    expect(mine.map((g) => [g.name, g.depth])).toEqual([
      ['Support', 0],
      ['Tier 1', 1],
      ['Tier 2', 1],
    ]);
    expect(mine[0]!.managers).toEqual(['Morgan Manager']);
    expect(() => listGroups({ ctx: principalOf(db, 'agent') })).toThrow(/Manage agent groups/);
  });

  it('skills: counted by the agents holding them', () => {
    const skills = listSkills({ ctx: principalOf(db, 'manager') });
    expect(skills.find((s) => s.name === 'Billing')!.agents).toBeGreaterThan(1);
    expect(() => listSkills({ ctx: principalOf(db, 'agent') })).toThrow(DalError);
  });

  it('audit: newest first, keyset pages, only for holders of "View and export audit trail"', () => {
    const admin = principalOf(db, 'admin');
    for (const enabled of [false, true, false]) {
      const version = db.$client.prepare("select row_version as v from account_features where key = 'bot-status'").get() as { v: number };
      setAccountFeature({ ctx: admin, input: { key: 'bot-status', enabled: !enabled, rowVersion: version.v } });
    }
    const first = listAuditEvents({ ctx: admin, input: { pageSize: 10 } });
    expect(first.rows[0]!.action).toBe('enable');
    const ids = first.rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(() => listAuditEvents({ ctx: principalOf(db, 'manager'), input: {} })).toThrow(/View and export audit trail/);
    expect(() => listAuditEvents({ ctx: admin, input: { before: 'x' } })).toThrow(/Page cursor must be a number/);
  });
});

describe('the security log', () => {
  it('keeps refused attempts with actor, action and reason, for audit readers only', async () => {
    const { listUsers } = await import('./users');
    const { listDeniedAttempts } = await import('./directory');
    expect(() => listUsers({ ctx: principalOf(db, 'agent'), input: {} })).toThrow();
    const rows = listDeniedAttempts({ ctx: principalOf(db, 'admin'), input: {} }).rows;
    expect(rows[0]).toMatchObject({
      actorName: 'agent',
      action: 'see the users list',
      source: 'ui',
      reason: expect.stringMatching(/You need one of the permissions/),
    });
    expect(() => listDeniedAttempts({ ctx: principalOf(db, 'manager'), input: {} })).toThrow(/View and export audit trail/);
  });
});
