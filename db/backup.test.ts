import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { verifyAuditChain } from '@/db/audit-chain';
import { createTestDatabase, principalOf } from '@/lib/testing/db';
import { createSkill } from '@/lib/dal/groups-skills';
import { backupDatabase } from './backup';

describe('db:backup', () => {
  it('copies a database while it is being written, into a file the audit check accepts, with every committed change', async () => {
    const db = await createTestDatabase();
    const admin = principalOf(db, 'admin');
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-backup-')), 'copy.db');
    createSkill({ ctx: admin, input: { name: 'Before the backup' } });
    // Writes go on while the backup runs (it copies in steps, yielding between them).
    const backup = backupDatabase(db.$client.name, target);
    for (let i = 0; i < 5; i++) createSkill({ ctx: admin, input: { name: `During the backup ${i}` } });
    await backup;
    const copy = openDatabase(target);
    try {
      expect(verifyAuditChain(copy)).toMatchObject({ ok: true });
      const names = (copy.$client.prepare('select name from skills').all() as { name: string }[]).map((r) => r.name);
      expect(names).toContain('Before the backup');
    } finally {
      copy.$client.close();
    }
    await expect(backupDatabase(db.$client.name, target)).rejects.toThrow(/exists already/);
  });
});
