import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { Client, inspect, prepareDatabase, Server, sleep, type Fixture, type Reply } from './harness';

/**
 * The server under stress, crash and starvation, as its users and other programs meet it: every
 * answer is a success or a clear refusal (never a 500, never "database is locked"), and the
 * database is whole afterwards: each change with its audit event, or neither.
 */
const BASE_PORT = Number(process.env.ROBUST_PORT ?? 3600);
const ROOT = path.resolve(__dirname, '..', '..');
let nextPort = BASE_PORT;

test.describe.configure({ mode: 'serial' });

interface World {
  fixture: Fixture;
  server: Server;
  api: Client;
}

async function world(env: Record<string, string> = {}, fixture = prepareDatabase()): Promise<World> {
  const server = new Server(fixture, nextPort++, env);
  await server.start();
  return { fixture, server, api: new Client(server, fixture.key) };
}

async function freshProfile(api: Client, name: string): Promise<number> {
  const r = await api.call('POST', '/profiles', { roleKey: 'agent', name });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as number;
}

/** The Agent role's configurable permissions, to vary what each save switches on. */
async function agentToggles(api: Client): Promise<string[]> {
  const catalog = (await api.call('GET', '/catalog')).body as { roles: { key: string; core: string[]; permissions: { key: string }[] }[] };
  const agent = catalog.roles.find((r) => r.key === 'agent')!;
  return agent.permissions.map((p) => p.key).filter((k) => !agent.core.includes(k));
}

/** Checks that hold after anything: SQLite's own integrity, foreign keys, the audit hash chain. */
function assertSound(file: string) {
  inspect(file, (db) => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
  const verify = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'audit-verify.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SWITCHBOARD_DB: file },
  });
  expect(verify.status, verify.stderr + verify.stdout).toBe(0);
}

/** Each skill exists exactly when its "create" event does; each profile version has its save event. */
function assertWholeOrAbsent(fixture: Fixture, profileId: number) {
  inspect(fixture.db, (db) => {
    const orphans = db
      .prepare(
        `select s.id, s.name, (select count(*) from audit_events a where a.entity_type = 'skill' and a.action = 'create' and a.entity_id = cast(s.id as text)) as events
         from skills s where s.id > ? and events <> 1`,
      )
      .all(fixture.seededSkills);
    expect(orphans, 'skills without exactly one "create" event').toEqual([]);
    const ghosts = db
      .prepare(
        `select a.entity_id from audit_events a where a.entity_type = 'skill' and a.action = 'create' and not exists (select 1 from skills s where cast(s.id as text) = a.entity_id)`,
      )
      .all();
    expect(ghosts, '"create" events of skills that do not exist').toEqual([]);
    const p = db
      .prepare(
        `select p.head_version as head,
                (select max(version) from profile_versions v where v.profile_id = p.id) as maxVersion,
                (select count(*) from profile_versions v where v.profile_id = p.id) as versions,
                (select count(*) from audit_events a where a.entity_type = 'profile' and a.entity_id = cast(p.id as text) and a.action in ('save-for-new-users', 'save-and-apply')) as saves
         from profiles p where p.id = ?`,
      )
      .get(profileId) as { head: number; maxVersion: number; versions: number; saves: number };
    expect(p.head).toBe(p.maxVersion);
    expect(p.versions - 1, 'profile versions beyond the first, each with its save event').toBe(p.saves);
  });
}

test('50 concurrent saves of one profile: each succeeds or is told of the conflict, the last success stands, nothing is lost', async () => {
  test.setTimeout(120_000);
  const { fixture, server, api } = await world();
  try {
    const id = await freshProfile(api, 'Contended');
    const toggles = await agentToggles(api);
    const startVersion = (await api.call('GET', `/profiles/${id}`)).body.headVersion as number;
    const statuses = new Map<number, number>();
    const successes: { writer: number; etag: number; description: string; permissions: string[] }[] = [];

    await Promise.all(
      Array.from({ length: 50 }, async (_, writer) => {
        const description = `Saved by writer ${writer}`;
        const permissions = toggles.filter((_, i) => (i + writer) % 3 !== 0);
        for (;;) {
          const current = await api.call('GET', `/profiles/${id}`);
          const r = await api.call('PATCH', `/profiles/${id}`, { description, permissions, mode: 'new-users' }, current.headers.get('etag')!);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 200) {
            successes.push({ writer, etag: Number(r.headers.get('etag')!.replaceAll('"', '')), description, permissions });
            return;
          }
          expect(r.status, JSON.stringify(r.body)).toBe(412);
          expect(r.body.error!.code).toBe('stale');
        }
      }),
    );

    expect([...statuses.keys()].sort()).toEqual(statuses.has(412) ? [200, 412] : [200]);
    expect(successes).toHaveLength(50);
    expect(new Set(successes.map((s) => s.etag)).size).toBe(50);
    const last = successes.reduce((a, b) => (b.etag > a.etag ? b : a));
    const final = (await api.call('GET', `/profiles/${id}`)).body;
    expect(final.description).toBe(last.description);
    expect([...(final.permissions as string[])].sort()).toEqual([...last.permissions].sort());
    expect(final.headVersion).toBe(startVersion + 50);
    assertWholeOrAbsent(fixture, id);
  } finally {
    await server.stop();
  }
  assertSound(fixture.db);
});

test('a second server and a lock-holding process write the same database: no "database is locked" reaches anyone', async () => {
  test.setTimeout(120_000);
  const a = await world();
  const b = new Server(a.fixture, nextPort++);
  await b.start();
  const apiB = new Client(b, a.fixture.key);
  const other = new Database(a.fixture.db);
  other.pragma('busy_timeout = 5000');
  let stop = false;
  try {
    // A maintenance job that takes the write lock for 50–250 ms now and then.
    const holder = (async () => {
      while (!stop) {
        other.prepare('begin immediate').run();
        await sleep(50 + Math.random() * 200);
        other.prepare('commit').run();
        await sleep(100);
      }
    })();
    const profileA = await freshProfile(a.api, 'Written from A');
    const toggles = await agentToggles(a.api);
    const replies: Reply[] = [];
    const deadline = Date.now() + 8_000;
    await Promise.all(
      [a.api, apiB, a.api, apiB].map(async (api, lane) => {
        for (let i = 0; Date.now() < deadline; i++) {
          replies.push(await api.call('POST', '/skills', { name: `Lane ${lane} skill ${i}` }));
          const current = await api.call('GET', `/profiles/${profileA}`);
          const save = await api.call(
            'PATCH',
            `/profiles/${profileA}`,
            { permissions: toggles.slice(0, (i % toggles.length) + 1), mode: 'new-users' },
            current.headers.get('etag')!,
          );
          replies.push(save.status === 412 ? { ...save, status: 200 } : save); // a conflict between the servers is a proper answer
        }
      }),
    );
    stop = true;
    await holder;
    const failures = replies.filter((r) => r.status >= 300);
    expect(failures.map((r) => [r.status, r.body.error?.message])).toEqual([]);
    expect(replies.length).toBeGreaterThan(40);
    // What one server wrote, the other answers for at once.
    const skills = (await apiB.call('GET', '/skills')).body.data as { name: string }[];
    expect(skills.filter((s) => s.name.startsWith('Lane 0 ')).length).toBeGreaterThan(0);
    assertWholeOrAbsent(a.fixture, profileA);
  } finally {
    stop = true;
    await a.server.stop();
    await b.stop();
    other.close();
  }
  assertSound(a.fixture.db);
});

test('killed with SIGKILL during writes 30 times: every restart finds a sound database, each change whole with its audit event or absent', async () => {
  test.setTimeout(600_000);
  const fixture = prepareDatabase();
  let profileId = 0;
  let toggles: string[] = [];
  const acknowledged: string[] = [];
  for (let round = 0; round < 30; round++) {
    const { server, api } = await world({}, fixture);
    if (round === 0) {
      profileId = await freshProfile(api, 'Crashed into');
      toggles = await agentToggles(api);
    }
    let killed = false;
    // Each round kills only after its lanes have had writes acknowledged (then a little later, at a
    // random point mid-write): the test measures crashes, not how fast a busy machine writes.
    let ackedThisRound = 0;
    const lanes = Array.from({ length: 4 }, async (_, lane) => {
      for (let i = 0; !killed; i++) {
        try {
          const name = `Round ${round} lane ${lane} skill ${i}`;
          const r = await api.call('POST', '/skills', { name });
          if (r.status === 201) {
            acknowledged.push(name);
            ackedThisRound++;
          } else expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
          const current = await api.call('GET', `/profiles/${profileId}`);
          const etag = current.headers.get('etag');
          if (etag)
            await api.call('PATCH', `/profiles/${profileId}`, { permissions: toggles.slice(0, ((round + i) % toggles.length) + 1), mode: 'new-users' }, etag);
        } catch (error) {
          if (!killed) throw error; // a connection cut by the kill is expected; anything else is not
        }
      }
    });
    for (let waited = 0; ackedThisRound < 2 && waited < 60_000; waited += 20) await sleep(20);
    expect(ackedThisRound, 'writes acknowledged before the kill').toBeGreaterThanOrEqual(2);
    await sleep(Math.random() * 300);
    killed = true;
    await server.stop('SIGKILL');
    await Promise.allSettled(lanes);
    assertWholeOrAbsent(fixture, profileId);
    inspect(fixture.db, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const names = new Set((db.prepare('select name from skills').all() as { name: string }[]).map((s) => s.name));
      expect(
        acknowledged.filter((n) => !names.has(n)),
        'acknowledged changes lost',
      ).toEqual([]);
    });
  }
  expect(acknowledged.length).toBeGreaterThanOrEqual(60);
  // A last start on the crashed database serves, and the log's chain is unbroken.
  const { server, api } = await world({}, fixture);
  expect((await api.call('POST', '/skills', { name: 'After the crashes' })).status).toBe(201);
  await server.stop();
  assertSound(fixture.db);
});

test('the database locked longer than the busy timeout: a 503 that says to try again, nothing partial, the next request succeeds', async () => {
  const { fixture, server, api } = await world({ SWITCHBOARD_BUSY_TIMEOUT_MS: '300' });
  const locker = new Database(fixture.db);
  try {
    locker.prepare('begin immediate').run();
    const refused = await api.call('POST', '/skills', { name: 'Written while locked' });
    expect(refused.status).toBe(503);
    expect(refused.body.error!.code).toBe('unavailable');
    expect(refused.body.error!.message).toMatch(/try again/i);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Readers are not held up by a writer.
    const read = await api.call('GET', '/skills');
    expect(read.status).toBe(200);
    locker.prepare('commit').run();
    expect((read.body.data as { name: string }[]).map((s) => s.name)).not.toContain('Written while locked');
    const retried = await api.call('POST', '/skills', { name: 'Written while locked' });
    expect(retried.status).toBe(201);
    inspect(fixture.db, (db) => {
      expect(db.prepare(`select count(*) as n from skills where name = 'Written while locked'`).get()).toEqual({ n: 1 });
      expect(db.prepare(`select count(*) as n from audit_events where entity_type = 'skill' and entity_name = 'Written while locked'`).get()).toEqual({ n: 1 });
    });
  } finally {
    if (locker.inTransaction) locker.prepare('rollback').run();
    locker.close();
    await server.stop();
  }
  assertSound(fixture.db);
});

test('the disk full: a clear error, nothing partial, and writes work again once space is freed', async () => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-full-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { encoding: 'utf8' });
  expect(mount.status, `This test needs to mount a small tmpfs (run as root): ${mount.stderr}`).toBe(0);
  let server: Server | undefined;
  try {
    const fixture = prepareDatabase(dir);
    const w = await world({}, fixture);
    server = w.server;
    const profileId = await freshProfile(w.api, 'On a full disk');
    // Fill what is left of the disk.
    const filler = path.join(dir, 'filler');
    const fd = fs.openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    fs.closeSync(fd);

    const replies: Reply[] = [];
    for (let i = 0; i < 2000 && !replies.some((r) => r.status === 503); i++) {
      replies.push(await w.api.call('POST', '/skills', { name: `Full ${i} ${'x'.repeat(80)}` }));
    }
    const full = replies.at(-1)!;
    expect(full.status, 'a write must fail once the disk is full').toBe(503);
    expect(full.body.error!.message).toMatch(/disk space/i);
    expect(replies.filter((r) => r.status !== 201 && r.status !== 503)).toEqual([]);
    // Reads still work.
    expect((await w.api.call('GET', `/profiles/${profileId}`)).status).toBe(200);

    fs.rmSync(filler);
    const after = await w.api.call('POST', '/skills', { name: 'Space is back' });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    await server.stop();
    assertWholeOrAbsent(fixture, profileId);
    assertSound(fixture.db);
  } finally {
    await server?.stop();
    spawnSync('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
