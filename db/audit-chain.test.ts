import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { DB } from './client';
import { appendAuditEvent, verifyAuditChain } from './audit-chain';
import { createTestDatabase, principalOf } from '@/lib/testing/db';
import { setAccountFeature } from '@/lib/dal/settings';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
  const admin = principalOf(db, 'admin');
  for (const enabled of [false, true, false]) {
    const { v } = db.$client.prepare("select row_version as v from account_features where key = 'messaging'").get() as { v: number };
    setAccountFeature({ ctx: admin, input: { key: 'messaging', enabled, rowVersion: v } });
  }
});

describe('the audit hash chain', () => {
  it('holds for events written by the seed and by verbs', () => {
    const count = (table: string) => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    // The seed: one event per account feature, profile and user (with its state), then the 'seed' event; then three switches.
    const seeded = count('account_features') + count('profiles') + count('users') + 1;
    expect(verifyAuditChain(db)).toEqual({ ok: true, events: seeded + 3 });
  });

  it("the log's time never goes backwards: an event dated before the last one takes the last one's time", () => {
    const last = () => db.$client.prepare('select id, at from audit_events order by id desc limit 1').get() as { id: number; at: number };
    const previous = last();
    const event = (at: Date) => ({
      at,
      actorId: null,
      actorName: 'system',
      onBehalfOf: null,
      source: 'system' as const,
      entityType: 'group',
      entityId: '1',
      entityName: 'Clock test',
      action: 'update',
      before: null,
      after: null,
    });
    db.transaction((tx) => appendAuditEvent(tx, event(new Date(previous.at - 3_600_000))), { behavior: 'immediate' });
    expect(last()).toEqual({ id: previous.id + 1, at: previous.at });
    db.transaction((tx) => appendAuditEvent(tx, event(new Date(previous.at + 5))), { behavior: 'immediate' });
    expect(last().at).toBe(previous.at + 5);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('the database itself refuses to update or delete an event', () => {
    const before = db.$client.prepare('select * from audit_events order by id').all();
    expect(() => db.$client.prepare(`update audit_events set action = 'tampered'`).run()).toThrow(/append-only/);
    expect(() => db.$client.prepare('delete from audit_events').run()).toThrow(/append-only/);
    expect(db.$client.prepare('select * from audit_events order by id').all()).toEqual(before);
  });

  it('names the first event altered directly in the database, and the script says so', () => {
    // Someone with the file can drop the triggers; the chain still gives him away.
    db.$client.exec('drop trigger audit_events_no_update; drop trigger audit_events_no_delete');
    const second = db.$client.prepare('select id from audit_events order by id limit 1 offset 2').get() as { id: number };
    db.$client.prepare(`update audit_events set after = '{"enabled":"tampered"}' where id = ?`).run(second.id);
    const result = verifyAuditChain(db);
    expect(result).toMatchObject({ ok: false, brokenAt: { id: second.id, reason: 'its content does not match its hash' } });

    const file = db.$client.name;
    let output = '';
    try {
      execFileSync(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/audit-verify.ts'], {
        env: { ...process.env, SWITCHBOARD_DB: file },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      output = String((error as { stderr: string }).stderr);
    }
    expect(output).toContain(`Audit chain broken at event #${second.id}`);
  });

  it('a deleted event breaks the link of the one after it', () => {
    const first = db.$client.prepare('select id from audit_events order by id limit 1').get() as { id: number };
    db.$client.prepare('delete from audit_events where id = ?').run(first.id);
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: { reason: 'its link to the event before it does not match' } });
  });
});
