import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '@/lib/testing/db';

describe('GET /api/health/ready', () => {
  const ready = async () => {
    const { GET } = await import('@/app/api/health/ready/route');
    const response = GET();
    return { status: response.status, body: (await response.json()) as { status: string; problems?: string[] } };
  };

  it('is ready on a migrated database with room on its disk', async () => {
    await createTestDatabase();
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('is not ready, saying so, when a migration is missing', async () => {
    const db = await createTestDatabase();
    db.$client.prepare('delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)').run();
    expect(await ready()).toMatchObject({ status: 503, body: { status: 'not-ready', problems: [expect.stringMatching(/1 database migration\(s\) pending/)] } });
  });

  it('is not ready when the database cannot be read', async () => {
    const db = await createTestDatabase();
    const file = db.$client.name;
    // The file is overwritten under the open connection: its next read finds no database.
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
    db.$client.pragma('cache_size = 0');
    expect(await ready()).toMatchObject({ status: 503, body: { status: 'not-ready', problems: [expect.stringMatching(/cannot be read/)] } });
  });
});
