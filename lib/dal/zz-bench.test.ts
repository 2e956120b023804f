import { it } from 'vitest';
import { createTestDatabase, principalOf, userByLogin } from '@/lib/testing/db';
import { appendAuditEvent } from '@/db/audit-chain';
import { listAuditEvents } from './audit-trail';

it('bench', async () => {
  const db = await createTestDatabase();
  const N = Number(process.env.BENCH_N ?? 200000);
  const t0 = Date.now();
  const actors = ['admin', 'manager'].map((l) => userByLogin(db, l).id);
  const base = Date.now() - N * 1000;
  db.transaction((tx) => {
    for (let i = 0; i < N; i++) {
      const r = i % 100;
      const type = r < 70 ? 'user' : r < 90 ? 'profile' : r < 99 ? 'group' : 'account-feature';
      appendAuditEvent(tx, {
        at: new Date(base + i * 1000),
        actorId: actors[i % 2]!, actorName: i % 2 ? 'manager' : 'admin', onBehalfOf: null, source: 'ui',
        entityType: type, entityId: String(i % 500), entityName: `${type} ${i % 500}`,
        action: r === 99 ? 'disable' : i % 3 ? 'update' : 'assign-profile',
        before: { name: `n${i}`, reason: i === 1000 ? 'zq-rare' : 'routine agent work' }, after: { name: `n${i + 1}` },
      });
    }
  }, { behavior: 'immediate' });
  console.log('generated', N, 'in', Date.now() - t0, 'ms');
  const admin = principalOf(db, 'admin');
  const time = (label: string, input: Record<string, unknown>) => {
    const runs: number[] = [];
    let res;
    for (let k = 0; k < 5; k++) { const s = performance.now(); res = listAuditEvents({ ctx: admin, input }); runs.push(performance.now() - s); }
    runs.sort((a, b) => a - b);
    console.log(label.padEnd(40), runs[2]!.toFixed(2), 'ms', 'rows', res!.rows.length, 'partial', res!.partial);
  };
  const mid = Math.floor(N / 2);
  time('page 1', {});
  time('deep page', { before: mid });
  time('actor manager', { actor: 'manager' });
  time('actor manager deep', { actor: 'manager', before: mid });
  time('entity user', { entityType: 'user' });
  time('entity account-feature', { entityType: 'account-feature' });
  time('entity account-feature deep', { entityType: 'account-feature', before: mid });
  time('action disable', { action: 'disable' });
  time('action update deep', { action: 'update', before: mid });
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  time('date range middle hour', { from: day(base + mid * 1000), to: day(base + mid * 1000 + 3600_000) });
  time('date from long ago', { to: day(base + 1000 * 1000) });
  time('q common agent', { q: 'agent' });
  time('q rare zq-rare', { q: 'zq-rare' });
  time('q short zq', { q: 'zq' });
  time('q + entity feature', { q: 'routine', entityType: 'account-feature' });
});
