import { it } from 'vitest';
import { createTestDatabase } from '@/lib/testing/db';
it('plan', async () => {
  const db = await createTestDatabase();
  const q = (s: string) => console.log(s.slice(0, 140), '\n   ', (db.$client.prepare('explain query plan ' + s).all() as {detail:string}[]).map((r) => r.detail).join(' | '));
  q(`select id from audit_events where entity_type = 'user' and id < 100000 order by id desc limit 51`);
  q(`select id from audit_events where entity_type = 'account-feature' order by id desc limit 51`);
  q(`select id from audit_events where actor_id = 3 and id < 5 order by id desc limit 51`);
  q(`select id from audit_events where action = 'x' and id < 5 order by id desc limit 51`);
  q(`select id from audit_events where at <= 5 order by id desc limit 51`);
  q(`select id from audit_events where at >= 5 and at <= 10 order by id desc limit 51`);
  q(`select "audit_events"."id" as id from audit_events_fts join "audit_events" on "audit_events"."id" = audit_events_fts.rowid where audit_events_fts match '"abc"' and audit_events_fts.rowid < 5 and "audit_events"."entity_type" = 'user' order by audit_events_fts.rowid desc limit 51`);
  q(`select id from audit_events where id < 5 and id >= 1 and (entity_name like '%zq%' escape '\\') order by id desc limit 51`);
});
