import { beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { MAX_IMPORT_PASSWORDS, MAX_IMPORT_ROWS, USER_CSV_COLUMNS } from '@/lib/schemas/users';
import { asyncRefusalOf, createTestDatabase, principalOf, snapshot, userByLogin } from '@/lib/testing/db';
import { DalError } from '../errors';
import { importUsers, MAX_REPORTED_PROBLEMS, type ImportReport } from './import';
import { verifyCredentials } from '../sign-in';
import { createGroup } from '../groups-skills';
import { createProfile } from '../profiles';
import { getUserDetails, updateUser } from './edit';
import { getUserAccess } from './access';
import { exportUsersCsv } from './export';
import { decisionIndex } from '../decisions';

/** The upload route is called as the browser would; only the session cookie → user step is stood in for. */
const session = vi.hoisted(() => ({ current: null as { userId: number; sessionVersion: number } | null }));
vi.mock('@/lib/auth/session', () => ({ currentSessionUser: async () => session.current }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});

type Column = (typeof USER_CSV_COLUMNS)[number] | 'Password';
type Row = Partial<Record<Column, string | number>>;
const HEADER: readonly Column[] = ['Login name', 'Email', 'Name', 'Nickname', 'Group', 'Profiles', 'Skills', 'Max chats'];
const csvOf = (rows: Row[], header: readonly string[] = HEADER) =>
  stringify(
    rows.map((r) => header.map((h) => r[h as Column] ?? '')),
    { header: true, columns: [...header] },
  );
const agentRow = (login: string, over: Row = {}): Row => ({
  'Login name': login,
  Email: `${login}@import.example`,
  Name: `Imported ${login}`,
  Nickname: login.split('.')[0],
  Group: 'Tier 1',
  Profiles: 'Agent',
  Skills: 'Billing; Returns',
  'Max chats': 3,
  ...over,
});
const run = (login: string, rows: Row[], preview = false, header?: readonly string[]) =>
  importUsers({ ctx: principalOf(db, login), input: { csv: csvOf(rows, header), preview } });
const problemsOf = (report: ImportReport) => report.problems.map((p) => `row ${p.row} ${p.column ?? '-'}: ${p.message}`);
const eventsFor = (userId: number) =>
  db
    .select()
    .from(t.auditEvents)
    .where(eq(t.auditEvents.entityId, String(userId)))
    .all();
const deniedCount = () => db.select().from(t.deniedAttempts).all().length;
const group = (name: string) => db.select().from(t.groups).where(eq(t.groups.name, name)).get()!.id;

describe('importUsers', () => {
  it('allowed: an admin imports agents with their group, profile, skills (one new, created once) and max chats, each with an audit event, then one for the import', async () => {
    const before = db.select().from(t.auditEvents).all().length;
    const report = await run('admin', [
      agentRow('imp.one'),
      agentRow('imp.two', { Skills: 'Mandarin', Group: 'Sales' }),
      agentRow('imp.three', { Skills: 'mandarin', Group: 'support / tier 2' }),
    ]);
    expect(report).toEqual({
      rows: 3,
      valid: 3,
      created: 3,
      applied: true,
      withoutPassword: 3,
      problemCount: 0,
      problems: [],
      ignoredColumns: [],
    });
    const one = userByLogin(db, 'imp.one');
    expect(getUserDetails({ ctx: principalOf(db, 'admin'), input: { id: one.id } })).toMatchObject({
      groupId: group('Tier 1'),
      maxChats: 3,
      skills: ['Billing', 'Returns'],
      isAgent: true,
      status: 'active',
      profiles: [{ name: 'Agent', roleKey: 'agent' }],
    });
    expect(getUserAccess({ ctx: principalOf(db, 'admin'), input: { id: one.id } }).user.hasPassword).toBe(false);
    expect(userByLogin(db, 'imp.two').groupId).toBe(group('Sales'));
    expect(userByLogin(db, 'imp.three').groupId).toBe(group('Tier 2'));
    expect(
      db
        .select()
        .from(t.skills)
        .all()
        .filter((s) => s.name.toLowerCase() === 'mandarin'),
    ).toHaveLength(1);
    expect(eventsFor(one.id)).toMatchObject([
      { action: 'create', actorName: 'admin', after: { loginName: 'imp.one', imported: true, withoutPassword: true, skills: ['Billing', 'Returns'] } },
    ]);
    const events = db.select().from(t.auditEvents).all().slice(before);
    expect(events.map((e) => `${e.entityType} ${e.action}`)).toEqual(['user create', 'user create', 'user create', 'users-import import']);
    expect(events[3]).toMatchObject({ entityName: '3 users from CSV', after: { created: 3, withoutPassword: 3, firstUserId: one.id } });
    // The decision index follows the import from its audit events.
    expect(decisionIndex().knows(one.id)).toBe(true);
  });

  it('imported users without a password cannot sign in until someone sets one on their page', async () => {
    const user = userByLogin(db, 'imp.one');
    await expect(verifyCredentials({ loginName: 'imp.one', password: '!no-password' })).resolves.toEqual({ ok: false, reason: 'wrong-credentials' });
    const details = getUserDetails({ ctx: principalOf(db, 'admin'), input: { id: user.id } });
    const { isAgent: _agent, status: _status, profiles: _profiles, ...editable } = details;
    await updateUser({ ctx: principalOf(db, 'admin'), input: { ...editable, password: 'a-new-password' } });
    await expect(verifyCredentials({ loginName: 'imp.one', password: 'a-new-password' })).resolves.toMatchObject({ ok: true });
    expect(getUserAccess({ ctx: principalOf(db, 'admin'), input: { id: user.id } }).user.hasPassword).toBe(true);
  });

  it('a Password column sets the passwords given, checked like "Add user"; rows left empty get none', async () => {
    const header = [...HEADER, 'Password'];
    const short = await run('admin', [agentRow('pw.short', { Password: 'short' })], false, header);
    expect(problemsOf(short)).toEqual(['row 2 Password: Password must be at least 8 characters']);
    expect(short.applied).toBe(false);
    const report = await run('admin', [agentRow('pw.one', { Password: 'first-password' }), agentRow('pw.two')], false, header);
    expect(report).toMatchObject({ created: 2, applied: true, withoutPassword: 1 });
    await expect(verifyCredentials({ loginName: 'pw.one', password: 'first-password' })).resolves.toMatchObject({ ok: true });
    expect(userByLogin(db, 'pw.two').passwordHash).toBe('!no-password');
    // The password never reaches the audit trail.
    expect(JSON.stringify(eventsFor(userByLogin(db, 'pw.one').id))).not.toContain('first-password');
  });

  it('preview reports what would happen and writes nothing, not even refusals to the security log', async () => {
    const before = snapshot(db, ['login_throttle']);
    const ok = await run('manager', [agentRow('prev.one', { Group: 'Tier 2' }), agentRow('prev.two')], true);
    expect(ok).toMatchObject({ rows: 2, valid: 2, created: 0, applied: false, problemCount: 0 });
    const bad = await run('manager', [agentRow('prev.three'), agentRow('prev.admin', { Profiles: 'Admin', Skills: '', 'Max chats': '' })], true);
    expect(bad).toMatchObject({ valid: 1, created: 0, applied: false, problemCount: 1 });
    expect(problemsOf(bad)).toEqual(['row 3 Profiles: Only holders of the Admin role may assign it.']);
    expect(snapshot(db, ['login_throttle'])).toEqual(before);
  });

  it('scope: a manager importing into a group outside his structure, or with no group, writes nobody; the refusal reaches the security log', async () => {
    const before = snapshot(db);
    const denied = deniedCount();
    const report = await run('manager', [
      agentRow('mgr.ok', { Group: 'Tier 2' }),
      agentRow('mgr.sales', { Group: 'Sales' }),
      agentRow('mgr.nogroup', { Group: '' }),
    ]);
    expect(report).toMatchObject({ rows: 3, valid: 1, created: 0, applied: false, problemCount: 2 });
    expect(problemsOf(report)).toEqual(['row 3 Group: There is no group "Sales".', 'row 4 Group: Choose a group inside your group structure.']);
    expect(snapshot(db)).toEqual(before);
    // Not found and invalid are no attempted escalation: nothing for the security log.
    expect(deniedCount()).toBe(denied);
  });

  it('no escalation: a manager cannot hand out the Admin role, a role he does not manage, or a profile with permissions he lacks; nothing is written', async () => {
    const admin = principalOf(db, 'admin');
    createProfile({ ctx: admin, input: { roleKey: 'agent', name: 'Agent plus releases', permissions: ['conversation-builder-release-creator'] } });
    const before = snapshot(db);
    const denied = deniedCount();
    const report = await run('manager', [
      agentRow('esc.ok', { Group: 'Tier 2' }),
      agentRow('esc.admin', { Profiles: 'Admin', Skills: '', 'Max chats': '' }),
      agentRow('esc.campaign', { Profiles: 'Campaign manager', Skills: '', 'Max chats': '' }),
      agentRow('esc.plus', { Profiles: 'Agent plus releases' }),
    ]);
    expect(report).toMatchObject({ valid: 1, created: 0, applied: false, problemCount: 3 });
    expect(problemsOf(report)).toEqual([
      'row 3 Profiles: Only holders of the Admin role may assign it.',
      'row 4 Profiles: You may not assign a role ranked above your own (Campaign manager).',
      `row 5 Profiles: "Agent plus releases" gives permissions you don't hold: You don't hold "Conversation Builder: Release Creator" yourself, so you can't give it to others.`,
    ]);
    expect(snapshot(db)).toEqual(before);
    // One entry for the refused import, naming the first forbidden row.
    const log = db.select().from(t.deniedAttempts).all().slice(denied);
    expect(log).toMatchObject([{ actorName: 'manager', action: 'import users', reason: 'Row 3 (Profiles): Only holders of the Admin role may assign it.' }]);
    // The admin holds everything he hands out: the same file minus the Admin row imports.
    expect(await run('admin', [agentRow('esc.plus', { Profiles: 'Agent plus releases' })])).toMatchObject({ created: 1 });
  });

  it('a bad row names its row and column, and nothing is written', async () => {
    const before = snapshot(db);
    const report = await run('admin', [
      agentRow('bad.fine'),
      agentRow('bad.mail', { Email: 'not-an-email' }),
      agentRow('bad.chats', { 'Max chats': 'many' }),
      agentRow('bad login'),
      agentRow('bad.noname', { Name: '' }),
      agentRow('no.such', { Profiles: 'Wizard' }),
      agentRow('two.roles', { Profiles: 'Agent manager; Agent manager with user management', Skills: '', 'Max chats': '' }),
      agentRow('five', { Profiles: 'Agent; Agent manager; Campaign manager; Admin; Agent manager with user management' }),
      agentRow('campaign.chats', { Profiles: 'Campaign manager', Skills: '' }),
      agentRow('no.group', { Group: 'Atlantis' }),
    ]);
    expect(problemsOf(report)).toEqual([
      'row 3 Email: Email is not a valid address',
      'row 4 Max chats: Max chats must be a number',
      'row 5 Login name: Login name may contain letters, digits and . _ @ - only',
      'row 6 Name: Name is required',
      'row 7 Profiles: There is no profile "Wizard".',
      'row 8 Profiles: A user holds at most one profile per role.',
      'row 9 Profiles: A user holds at most four profiles, one per role',
      'row 10 Max chats: Max chats and skills are for users with an agent profile.',
      'row 11 Group: There is no group "Atlantis".',
    ]);
    expect(report).toMatchObject({ rows: 10, valid: 1, created: 0, applied: false, problemCount: 9 });
    expect(snapshot(db)).toEqual(before);
  });

  it('refuses duplicate login names and emails, within the file and against existing users', async () => {
    const before = snapshot(db);
    const report = await run('admin', [
      agentRow('dup.one'),
      agentRow('DUP.ONE', { Email: 'other@import.example' }),
      agentRow('dup.two', { Email: 'DUP.ONE@import.example' }),
      agentRow('agent', { Email: 'fresh@import.example' }),
      agentRow('dup.three', { Email: 'agent@example.com' }),
    ]);
    expect(problemsOf(report)).toEqual([
      'row 3 Login name: "DUP.ONE" is already on row 2 of this file.',
      'row 4 Email: "DUP.ONE@import.example" is already on row 2 of this file.',
      'row 5 Login name: The login name "agent" is already taken.',
      'row 6 Email: Another user already has the email "agent@example.com".',
    ]);
    expect(report.created).toBe(0);
    expect(snapshot(db)).toEqual(before);
  });

  it('row numbers are the spreadsheet rows: blank rows count, a quoted cell may span lines', async () => {
    const csv = ['Login name,Email,Name,Nickname', 'rows.one,rows.one@import.example,"Two\r\nlines",One', ',,,', '', 'rows.two,not-mail,Two,Two', ''].join(
      '\r\n',
    );
    const report = await importUsers({ ctx: principalOf(db, 'admin'), input: { csv, preview: true } });
    expect(report.rows).toBe(2);
    expect(problemsOf(report)).toEqual(['row 5 Email: Email is not a valid address']);
  });

  it('reports at most the first problems of a large bad file, and counts them all', async () => {
    const rows = Array.from({ length: MAX_REPORTED_PROBLEMS + 50 }, (_, i) => agentRow(`many.${i}`, { Email: 'nope' }));
    const report = await run('admin', rows, true);
    expect(report.problemCount).toBe(MAX_REPORTED_PROBLEMS + 50);
    expect(report.problems).toHaveLength(MAX_REPORTED_PROBLEMS);
  });

  it.each([
    ['an unknown column', csvOf([agentRow('h.one')], [...HEADER, 'Mail']), /Unknown column "Mail" in the header/],
    ['a missing column', csvOf([agentRow('h.two')], ['Login name', 'Name', 'Nickname']), /lacks the column "Email"/],
    ['a column twice', csvOf([agentRow('h.three')], [...HEADER, 'email']), /"Email" appears twice/],
    ['no users', 'Login name,Email,Name,Nickname\n,,,\n', /header but no users/],
    ['an empty file', '', /The file is empty/],
    ['broken quoting', 'Login name,Email,Name,Nickname\n"x,y,z,w\n', /not valid CSV: Quote Not Closed/],
    ['too many rows', `Login name,Email,Name,Nickname\n${'a,b,c,d\n'.repeat(MAX_IMPORT_ROWS + 1)}`, /has 10,001 users; import at most 10,000/],
    ['a file too large', `Login name,Email,Name,Nickname\n${'x'.repeat(4 * 1024 * 1024)}`, /too large \(at most 4 MB\)/],
    [
      'too many passwords',
      `Login name,Email,Name,Nickname,Password\n${'a,b,c,d,password1\n'.repeat(MAX_IMPORT_PASSWORDS + 1)}`,
      /501 rows have a password; at most 500/,
    ],
  ])('refuses %s, saying so, and writes nothing', async (_label, csv, message) => {
    const before = snapshot(db);
    const error = await asyncRefusalOf(() => importUsers({ ctx: principalOf(db, 'admin'), input: { csv, preview: false } }));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(message);
    expect(snapshot(db)).toEqual(before);
  });

  it('garbage in: 300 mangled files each end in a report or a readable refusal, never anything else, and write nothing', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const PIECES = [
      '',
      'a',
      ',',
      '"',
      '""',
      '\n',
      '\r\n',
      ';',
      ' / ',
      'Agent',
      'Tier 2',
      'Sales',
      '\u0000',
      '💥',
      'é',
      'x'.repeat(300),
      '=1+1',
      '-1',
      '1e9',
      'null',
    ];
    const header = () => pick([HEADER.join(','), 'Login name,Email,Name,Nickname', 'Login name,Email,Name,Nickname,Password', pick(PIECES)]);
    const before = snapshot(db);
    const admin = principalOf(db, 'admin');
    for (let i = 0; i < 300; i++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
        Array.from({ length: 1 + Math.floor(random() * 10) }, () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(PIECES)).join('')).join(
          ',',
        ),
      );
      const csv = [header(), ...lines].join(pick(['\n', '\r\n']));
      const outcome = await importUsers({ ctx: admin, input: { csv, preview: random() < 0.5 } }).then(
        (report) => (report.applied ? 'applied' : 'report'),
        (error: unknown) => {
          if (error instanceof DalError && error.code === 'invalid' && !/at \w+ \(|\.ts:\d/.test(error.message)) return 'refusal';
          throw error;
        },
      );
      expect(['report', 'refusal']).toContain(outcome);
    }
    expect(snapshot(db)).toEqual(before);
  });

  it('forbidden: an agent imports nobody', async () => {
    const error = await asyncRefusalOf(() => run('agent', [agentRow('by.agent')], true));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/to import users/);
  });

  it('an export re-imports: same columns (Roles and Status ignored), and a group whose name is not unique is written as its path', async () => {
    const admin = principalOf(db, 'admin');
    createGroup({ ctx: admin, input: { name: 'Tier 1', parentId: group('Sales') } });
    const exported = exportUsersCsv({ ctx: admin, input: { q: 'imp.' } });
    expect(exported.split('\n')[0]).toBe(USER_CSV_COLUMNS.join(','));
    expect(exported).toContain('Support / Tier 1');
    const again = await importUsers({ ctx: admin, input: { csv: exported.replaceAll('imp.', 'again.'), preview: true } });
    expect(again).toMatchObject({ valid: 3, problemCount: 0, ignoredColumns: ['Roles', 'Status'] });
    const ambiguous = await run('admin', [agentRow('amb.one', { Group: 'Tier 1' })], true);
    expect(problemsOf(ambiguous)).toEqual(['row 2 Group: "Tier 1" names 2 groups; write its path, like "Support / Tier 1" or "Sales / Tier 1".']);
    expect((await run('admin', [agentRow('amb.two', { Group: 'sales / tier 1' })], true)).problemCount).toBe(0);
  });
});

describe('formula injection', () => {
  it('a name that is a spreadsheet formula reaches the export as text, and the export re-imports it as it was', async () => {
    const admin = principalOf(db, 'admin');
    const formula = '=HYPERLINK("http://evil.example","open")';
    const report = await run('admin', [agentRow('inj.one', { Name: formula, Nickname: '@nick', Group: 'Support / Tier 1' })]);
    expect(problemsOf(report)).toEqual([]);
    expect(report.applied).toBe(true);
    const exported = exportUsersCsv({ ctx: admin, input: { q: 'inj.' } });
    const row = (parse(exported) as string[][])[1]!;
    expect(row[USER_CSV_COLUMNS.indexOf('Name')]).toBe(`'${formula}`);
    expect(row[USER_CSV_COLUMNS.indexOf('Nickname')]).toBe("'@nick");
    expect(row.every((cell) => !/^[=+\-@\t\r]/.test(cell))).toBe(true);
    const again = await importUsers({ ctx: admin, input: { csv: exported.replaceAll('inj.', 'inj2.'), preview: false } });
    expect(again.applied).toBe(true);
    expect(userByLogin(db, 'inj2.one')).toMatchObject({ name: formula, nickname: '@nick' });
  });
});

describe('POST /users/import/csv', () => {
  const signInAs = (loginName: string | null) => {
    if (!loginName) return void (session.current = null);
    const user = userByLogin(db, loginName);
    session.current = { userId: user.id, sessionVersion: user.sessionVersion };
  };
  const post = async (body: string, { mode = 'apply', type = 'text/csv', origin = 'http://console.test' } = {}) => {
    const { POST } = await import('@/app/(console)/users/import/csv/route');
    const headers: Record<string, string> = { host: 'console.test', 'content-type': type };
    if (origin) headers.origin = origin;
    const response = await POST(new Request(`http://console.test/users/import/csv?mode=${mode}`, { method: 'POST', headers, body }));
    return { status: response.status, body: (await response.json()) as { ok: boolean; data?: ImportReport; error?: string; code?: string } };
  };

  it('previews, then applies, as the signed-in admin', async () => {
    signInAs('admin');
    // (Tier 1 has a namesake under Sales by now.)
    const csv = csvOf([agentRow('route.one', { Group: 'Tier 2' }), agentRow('route.two', { Group: 'Tier 2' })]);
    expect(await post(csv, { mode: 'preview' })).toMatchObject({ status: 200, body: { ok: true, data: { valid: 2, applied: false } } });
    expect(db.select().from(t.users).where(eq(t.users.loginName, 'route.one')).get()).toBeUndefined();
    expect(await post(csv)).toMatchObject({ status: 200, body: { ok: true, data: { created: 2, applied: true } } });
    expect(userByLogin(db, 'route.two').groupId).toBe(group('Tier 2'));
  });

  it('answers a file with problems with its report, writing nothing', async () => {
    signInAs('manager');
    const before = snapshot(db);
    const { status, body } = await post(csvOf([agentRow('route.sales', { Group: 'Sales' })]));
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ applied: false, problems: [{ row: 2, column: 'Group', message: 'There is no group "Sales".' }] });
    expect(snapshot(db)).toEqual(before);
  });

  it.each([
    ['signed out', null, {}, 401, 'unauthenticated'],
    ['an agent', 'agent', {}, 403, 'forbidden'],
    ['another site', 'admin', { origin: 'https://evil.example' }, 403, 'forbidden'],
    ['no Origin', 'admin', { origin: '' }, 403, 'forbidden'],
    ['a form post', 'admin', { type: 'application/x-www-form-urlencoded' }, 415, 'invalid'],
    ['no mode', 'admin', { mode: 'later' }, 400, 'invalid'],
  ] as const)('refuses %s and writes nothing', async (_label, login, options, status, code) => {
    signInAs(login);
    const before = snapshot(db);
    const result = await post(csvOf([agentRow('route.refused')]), options);
    expect(result).toMatchObject({ status, body: { ok: false, code } });
    expect(snapshot(db)).toEqual(before);
  });

  it('refuses a file that is not UTF-8, saying how to save it', async () => {
    signInAs('admin');
    const { POST } = await import('@/app/(console)/users/import/csv/route');
    const latin1 = Buffer.from('Login name,Email,Name,Nickname\njos\xe9,jose@import.example,Jos\xe9,Jos\xe9\n', 'latin1');
    const response = await POST(
      new Request('http://console.test/users/import/csv?mode=preview', {
        method: 'POST',
        headers: { host: 'console.test', origin: 'http://console.test', 'content-type': 'text/csv' },
        body: latin1,
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: expect.stringMatching(/not UTF-8.*CSV UTF-8/) });
  });
});
