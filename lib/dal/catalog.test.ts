import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '@/db/client';
import { createTestDatabase, writeFromAnotherProcess } from '@/lib/testing/db';
import { getCatalog } from './catalog';

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

const customRole = (key: string) => [key, `Role ${key}`, '', 1, 0, 'agent', '["set-manual-sla-for-conversations"]'];
const INSERT = 'insert into roles (key, name, description, rank, built_in, base_role_key, defaults) values (?, ?, ?, ?, ?, ?, ?)';

describe('getCatalog', () => {
  it('is read again only when the database moved: the same catalog while nothing changed, a new one after another process adds a role', () => {
    const first = getCatalog();
    expect(getCatalog()).toBe(first);
    writeFromAnotherProcess(db, INSERT, ...customRole('from-elsewhere'));
    const after = getCatalog();
    expect(after).not.toBe(first);
    expect(after.roleByKey.has('from-elsewhere')).toBe(true);
  });

  it('inside a write it sees the transaction, and keeps nothing of one rolled back', () => {
    expect(() =>
      db.$client.transaction(() => {
        db.$client.prepare(INSERT).run(...customRole('rolled-back'));
        expect(getCatalog().roleByKey.has('rolled-back')).toBe(true);
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(getCatalog().roleByKey.has('rolled-back')).toBe(false);
  });
});
