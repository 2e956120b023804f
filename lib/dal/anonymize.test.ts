import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { createTestDatabase, principalOf, createPseudonymAuditor } from '@/lib/testing/db';
import { pseudonym, redactIdentity } from '@/lib/permissions/pseudonym';
import { listAuditEvents } from './directory';
import { exportUsersCsv } from './users';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
  await createPseudonymAuditor(db);
});

describe('pseudonyms', () => {
  it('are stable for one user and differ between users', () => {
    expect(pseudonym('k', 7)).toBe(pseudonym('k', 7));
    expect(pseudonym('k', 7)).not.toBe(pseudonym('k', 8));
    expect(pseudonym('k', 7)).not.toBe(pseudonym('other key', 7));
    expect(pseudonym('k', 7)).toMatch(/^User [0-9A-F]{8}$/);
  });

  it('replace the fields that identify a person, at any depth', () => {
    expect(redactIdentity({ loginName: 'a', email: 'e', groupId: 3, profiles: [{ name: 'n', role: 'agent' }] }, 'User X')).toEqual({
      loginName: 'User X',
      email: 'User X',
      groupId: 3,
      profiles: [{ name: 'User X', role: 'agent' }],
    });
  });
});

describe('without "Access to user performance data"', () => {
  it('the audit trail shows other users as pseudonyms, and him as "you"', () => {
    const auditor = principalOf(db, 'auditor');
    const rows = listAuditEvents({ ctx: auditor, input: { pageSize: 200 } }).rows;
    // Everything so far by a person was done by the admin: one pseudonym, never his name or id.
    const byPeople = rows.filter((r) => r.source === 'ui');
    expect(byPeople.length).toBeGreaterThan(1);
    expect(new Set(byPeople.map((r) => r.who)).size).toBe(1);
    expect(byPeople[0]!.who).toMatch(/^User [0-9A-F]{8}$/);
    const created = rows.find((r) => r.entityType === 'user' && r.action === 'create')!;
    expect(created.entityName).toBe('you'); // the auditor's own creation
    expect(JSON.stringify(rows)).not.toContain('Avery Admin');
    expect(JSON.stringify(rows)).not.toContain('admin@example.com');

    const admin = listAuditEvents({ ctx: principalOf(db, 'admin'), input: { pageSize: 200 } }).rows;
    expect(admin.some((r) => r.who === 'admin')).toBe(true);
  });

  it('exports show pseudonyms instead of names, logins and emails', () => {
    const rows = parse(exportUsersCsv({ ctx: principalOf(db, 'auditor'), input: {} }), { columns: true }) as Record<string, string>[];
    const others = rows.filter((r) => r['Login name'] !== 'auditor');
    expect(others.length).toBeGreaterThan(40);
    expect(others.every((r) => /^User [0-9A-F]{8}$/.test(r['Login name']!) && r.Email === '')).toBe(true);
    expect(rows.find((r) => r['Login name'] === 'auditor')).toMatchObject({ Name: 'Ada Auditor' });
    const named = parse(exportUsersCsv({ ctx: principalOf(db, 'admin'), input: {} }), { columns: true }) as Record<string, string>[];
    expect(named.some((r) => r['Login name'] === 'sales')).toBe(true);
  });
});

describe('people listed inside other entities', () => {
  it('a deleted skill\u2019s agents appear under pseudonyms too', async () => {
    const { deleteSkill } = await import('./groups-skills');
    const returns = db.select().from(t.skills).where(eq(t.skills.name, 'Returns')).get()!;
    deleteSkill({ ctx: principalOf(db, 'admin'), input: { id: returns.id, removeFromAgents: true } });
    const event = listAuditEvents({ ctx: principalOf(db, 'auditor'), input: {} }).rows.find((r) => r.entityType === 'skill' && r.action === 'delete')!;
    const agents = (event.before as { agents: { loginName: string }[] }).agents;
    expect(agents.length).toBeGreaterThan(0);
    expect(agents.every((a) => /^User [0-9A-F]{8}$/.test(a.loginName))).toBe(true);
  });
});
