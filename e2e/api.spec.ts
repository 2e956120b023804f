import { expect, test } from '@playwright/test';
import { storageStateOf } from './fixtures';
import { Api, OpenApiContract, readApiKeys, type Body } from './api-client';

/**
 * Every route of /api/v1, over HTTP against the running server, as five callers: no key, a
 * revoked key, the agent's key, the manager's key and the admin's key. Each answer must carry the
 * status the case expects, and every answer is checked against the OpenAPI document the server
 * publishes. Writes work on fresh resources the admin's key creates first, one per caller.
 */

type Caller = 'none' | 'revoked' | 'agent' | 'manager' | 'admin';
const CALLERS: Caller[] = ['none', 'revoked', 'agent', 'manager', 'admin'];

interface Request {
  path: string;
  body?: Body;
  ifMatch?: string;
}

interface Case {
  operation: string;
  /** The request this caller makes; may prepare fresh resources with the admin's key. */
  prepare: (caller: Caller) => Promise<Request>;
  /** Expected statuses for the agent, the manager and the admin (no key and a revoked key: always 401). */
  expect: [agent: number, manager: number, admin: number];
}

let keys: ReturnType<typeof readApiKeys>;
let contract: OpenApiContract;
let admin: Api;
const ids = { support: 0, tier1: 0, agentProfile: 0, adminProfile: 0, chloe: 0, sales: 0, agent: 0 };
const covered = new Set<string>();
let serial = 0;
/** Marks everything this file creates, so it can remove it again and leave the other specs the seeded account. */
const RUN = `r${Date.now().toString(36)}`;
const unique = (what: string) => `${what} ${RUN}${(serial++).toString(36)}`;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ playwright, baseURL }) => {
  keys = readApiKeys();
  const request = await playwright.request.newContext({ baseURL });
  contract = await OpenApiContract.load(request);
  admin = new Api(request, keys.admin);
  const groups = (await admin.ok('GET', '/groups')).data as { id: number; name: string }[];
  ids.support = groups.find((g) => g.name === 'Support')!.id;
  ids.tier1 = groups.find((g) => g.name === 'Tier 1')!.id;
  const profiles = (await admin.ok('GET', '/profiles?role=agent')).data as { id: number; isDefault: boolean }[];
  ids.agentProfile = profiles.find((p) => p.isDefault)!.id;
  ids.adminProfile = ((await admin.ok('GET', '/profiles?role=admin')).data as { id: number; isDefault: boolean }[]).find((p) => p.isDefault)!.id;
  const find = async (q: string) => ((await admin.ok('GET', `/users?q=${q}`)).data as { id: number; loginName: string }[]).find((u) => u.loginName === q)!.id;
  ids.chloe = await find('chloe.nguyen');
  ids.sales = await find('sales');
  ids.agent = await find('agent');
});

test.afterAll(async () => {
  const mine = async (path: string) =>
    ((await admin.ok('GET', path)).data as { id: number; key?: string; name: string; parentId?: number | null }[]).filter((r) => r.name.includes(RUN));
  for (const role of await mine('/roles')) await admin.ok('DELETE', `/roles/${role.key!}`, undefined, '*');
  for (const profile of await mine('/profiles')) await admin.ok('DELETE', `/profiles/${profile.id}`, undefined, '*');
  for (const skill of await mine('/skills')) await admin.ok('DELETE', `/skills/${skill.id}?removeFromAgents=true`, undefined, '*');
  // Groups go leaves first.
  let groups = await mine('/groups');
  while (groups.length > 0) {
    const leaves = groups.filter((g) => !groups.some((c) => c.parentId === g.id));
    for (const g of leaves) await admin.ok('DELETE', `/groups/${g.id}`, undefined, '*');
    groups = await mine('/groups');
  }
});

// Fresh resources, made with the admin's key.
const freshUser = async (over: Record<string, unknown> = {}) => {
  const login = unique('api').replace(' ', '.');
  const user = await admin.ok('POST', '/users', {
    loginName: login,
    password: 'a-long-password',
    email: `${login}@example.com`,
    name: `API ${login}`,
    nickname: 'Api',
    groupId: ids.tier1,
    ...over,
  });
  return user.id as number;
};
const etagOf = async (path: string) => (await admin.read(path)).etag;
const freshProfile = async () => (await admin.ok('POST', '/profiles', { roleKey: 'agent', name: unique('API profile') })).id as number;
const freshRole = async () => (await admin.ok('POST', '/roles', { baseRoleKey: 'agent', name: unique('API role'), rank: 1 })).key as string;
const freshGroup = async () => (await admin.ok('POST', '/groups', { name: unique('API group'), parentId: ids.support })).id as number;
const freshSkill = async () => (await admin.ok('POST', '/skills', { name: unique('API skill') })).id as number;
/** A configurable permission of the Agent role that is on (or off) by default. */
const agentToggle = async (state: 'on' | 'off' = 'on') => {
  const catalog = await admin.ok('GET', '/catalog');
  const agent = (catalog.roles as { key: string; core: string[]; permissions: { key: string; default: string }[] }[]).find((r) => r.key === 'agent')!;
  return agent.permissions.find((p) => p.default === state && !agent.core.includes(p.key))!.key;
};

const CASES: Case[] = [
  { operation: 'GET /catalog', prepare: async () => ({ path: '/catalog' }), expect: [200, 200, 200] },
  {
    operation: 'POST /authorize',
    prepare: async (caller) => ({
      path: '/authorize',
      body: { questions: [{ user: caller === 'manager' ? ids.chloe : ids.agent, permission: 'view-own-performance' }] },
    }),
    expect: [200, 200, 200],
  },
  { operation: 'GET /users', prepare: async () => ({ path: '/users?pageSize=5&sort=loginName' }), expect: [403, 200, 200] },
  {
    operation: 'POST /users',
    prepare: async () => {
      const login = unique('new').replace(' ', '.');
      return {
        path: '/users',
        body: {
          loginName: login,
          password: 'a-long-password',
          email: `${login}@example.com`,
          name: 'New',
          nickname: 'N',
          groupId: ids.tier1,
          profileIds: [ids.agentProfile],
          maxChats: 2,
        },
      };
    },
    expect: [403, 201, 201],
  },
  { operation: 'GET /users/{id}', prepare: async () => ({ path: `/users/${ids.chloe}` }), expect: [403, 200, 200] },
  {
    operation: 'PATCH /users/{id}',
    prepare: async () => {
      const id = await freshUser();
      return { path: `/users/${id}`, body: { nickname: 'Patched' }, ifMatch: await etagOf(`/users/${id}`) };
    },
    expect: [403, 200, 200],
  },
  {
    operation: 'DELETE /users/{id}',
    prepare: async () => {
      const id = await freshUser();
      return { path: `/users/${id}`, ifMatch: await etagOf(`/users/${id}`) };
    },
    expect: [403, 403, 204],
  },
  {
    operation: 'POST /users/{id}/deactivate',
    prepare: async () => {
      const id = await freshUser();
      return { path: `/users/${id}/deactivate`, ifMatch: await etagOf(`/users/${id}`) };
    },
    expect: [403, 200, 200],
  },
  {
    operation: 'POST /users/{id}/reactivate',
    prepare: async () => {
      const id = await freshUser();
      await admin.ok('POST', `/users/${id}/deactivate`, undefined, '*');
      return { path: `/users/${id}/reactivate`, ifMatch: await etagOf(`/users/${id}`) };
    },
    expect: [403, 200, 200],
  },
  { operation: 'GET /users/{id}/permissions', prepare: async () => ({ path: `/users/${ids.chloe}/permissions` }), expect: [403, 200, 200] },
  {
    operation: 'POST /users/{id}/profiles',
    prepare: async () => ({ path: `/users/${await freshUser()}/profiles`, body: { profileId: ids.agentProfile } }),
    expect: [403, 200, 200],
  },
  {
    operation: 'DELETE /users/{id}/profiles/{roleKey}',
    prepare: async () => ({ path: `/users/${await freshUser({ profileIds: [ids.agentProfile] })}/profiles/agent` }),
    expect: [403, 200, 200],
  },
  { operation: 'GET /users/{id}/overrides', prepare: async () => ({ path: `/users/${ids.chloe}/overrides` }), expect: [403, 200, 200] },
  {
    operation: 'POST /users/{id}/overrides',
    prepare: async () => ({
      path: `/users/${await freshUser({ profileIds: [ids.agentProfile] })}/overrides`,
      body: { effect: 'revoke', permissionKey: await agentToggle(), reason: 'API test', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    }),
    expect: [403, 201, 201],
  },
  {
    operation: 'DELETE /users/{id}/overrides/{overrideId}',
    prepare: async () => {
      const id = await freshUser({ profileIds: [ids.agentProfile] });
      const o = await admin.ok('POST', `/users/${id}/overrides`, { effect: 'grant', permissionKey: await agentToggle('off'), reason: 'API test' });
      return { path: `/users/${id}/overrides/${String(o.id)}` };
    },
    expect: [403, 204, 204],
  },
  { operation: 'GET /profiles', prepare: async () => ({ path: '/profiles' }), expect: [403, 200, 200] },
  { operation: 'POST /profiles', prepare: async () => ({ path: '/profiles', body: { roleKey: 'agent', name: unique('Profile') } }), expect: [403, 201, 201] },
  { operation: 'GET /profiles/{id}', prepare: async () => ({ path: `/profiles/${ids.agentProfile}` }), expect: [403, 200, 200] },
  {
    operation: 'PATCH /profiles/{id}',
    prepare: async () => {
      const id = await freshProfile();
      return { path: `/profiles/${id}`, body: { description: 'From the API', mode: 'new-users' }, ifMatch: await etagOf(`/profiles/${id}`) };
    },
    expect: [403, 200, 200],
  },
  {
    operation: 'DELETE /profiles/{id}',
    prepare: async () => {
      const id = await freshProfile();
      return { path: `/profiles/${id}`, ifMatch: await etagOf(`/profiles/${id}`) };
    },
    expect: [403, 204, 204],
  },
  { operation: 'GET /roles', prepare: async () => ({ path: '/roles' }), expect: [403, 403, 200] },
  {
    operation: 'POST /roles',
    prepare: async () => ({ path: '/roles', body: { baseRoleKey: 'agent', name: unique('Role'), rank: 1 } }),
    expect: [403, 403, 201],
  },
  { operation: 'GET /roles/{key}', prepare: async () => ({ path: '/roles/agent' }), expect: [403, 403, 200] },
  {
    operation: 'PATCH /roles/{key}',
    prepare: async () => {
      const key = await freshRole();
      return { path: `/roles/${key}`, body: { description: 'From the API', mode: 'new-users' }, ifMatch: await etagOf(`/roles/${key}`) };
    },
    expect: [403, 403, 200],
  },
  {
    operation: 'DELETE /roles/{key}',
    prepare: async () => {
      const key = await freshRole();
      return { path: `/roles/${key}`, ifMatch: await etagOf(`/roles/${key}`) };
    },
    expect: [403, 403, 204],
  },
  { operation: 'GET /groups', prepare: async () => ({ path: '/groups' }), expect: [403, 200, 200] },
  { operation: 'POST /groups', prepare: async () => ({ path: '/groups', body: { name: unique('Group'), parentId: ids.support } }), expect: [403, 201, 201] },
  { operation: 'GET /groups/{id}', prepare: async () => ({ path: `/groups/${ids.tier1}` }), expect: [403, 200, 200] },
  {
    operation: 'PATCH /groups/{id}',
    prepare: async () => {
      const id = await freshGroup();
      return { path: `/groups/${id}`, body: { name: unique('Renamed') }, ifMatch: await etagOf(`/groups/${id}`) };
    },
    expect: [403, 200, 200],
  },
  {
    operation: 'DELETE /groups/{id}',
    prepare: async () => {
      const id = await freshGroup();
      return { path: `/groups/${id}`, ifMatch: await etagOf(`/groups/${id}`) };
    },
    expect: [403, 204, 204],
  },
  { operation: 'GET /skills', prepare: async () => ({ path: '/skills' }), expect: [403, 200, 200] },
  { operation: 'POST /skills', prepare: async () => ({ path: '/skills', body: { name: unique('Skill') } }), expect: [403, 201, 201] },
  {
    operation: 'GET /skills/{id}',
    prepare: async () => ({ path: `/skills/${await freshSkill()}` }),
    expect: [403, 200, 200],
  },
  {
    operation: 'PATCH /skills/{id}',
    prepare: async () => {
      const id = await freshSkill();
      return { path: `/skills/${id}`, body: { name: unique('Renamed skill') }, ifMatch: await etagOf(`/skills/${id}`) };
    },
    expect: [403, 200, 200],
  },
  {
    operation: 'DELETE /skills/{id}',
    prepare: async () => {
      const id = await freshSkill();
      return { path: `/skills/${id}`, ifMatch: await etagOf(`/skills/${id}`) };
    },
    expect: [403, 204, 204],
  },
];

for (const c of CASES) {
  test(`${c.operation}: no key 401, revoked 401, agent ${c.expect[0]}, manager ${c.expect[1]}, admin ${c.expect[2]}`, async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    for (const caller of CALLERS) {
      const token = caller === 'none' ? null : keys[caller];
      const req = await c.prepare(caller);
      const response = await new Api(request, token).call(c.operation.split(' ')[0]!, req.path, { body: req.body, ifMatch: req.ifMatch });
      const expected = caller === 'none' || caller === 'revoked' ? 401 : c.expect[CALLERS.indexOf(caller) - 2]!;
      expect(response.status, `${caller}: ${JSON.stringify(response.body)}`).toBe(expected);
      contract.check(c.operation, response);
      if (expected === 401) expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    covered.add(c.operation);
  });
}

test('every operation of the OpenAPI document is covered above', () => {
  expect([...covered].sort()).toEqual(contract.operations().sort());
});

test.describe('the rules hold over the API as in the console', () => {
  test('a manager reaches only his subtree: a user outside it is not found; he cannot give what he lacks', async ({ playwright, baseURL }) => {
    const manager = new Api(await playwright.request.newContext({ baseURL }), keys.manager);
    const outside = await manager.call('GET', `/users/${ids.sales}`);
    expect(outside.status).toBe(404);
    contract.check('GET /users/{id}', outside);
    const list = await manager.call('GET', '/users?pageSize=100');
    expect((list.body as { data: { id: number }[] }).data.map((u) => u.id)).not.toContain(ids.sales);
    const admin = await manager.call('POST', '/users', {
      body: {
        loginName: unique('x').replace(' ', '.'),
        password: 'a-long-password',
        email: 'x@example.com',
        name: 'X',
        nickname: 'X',
        groupId: ids.tier1,
        profileIds: [ids.adminProfile],
      },
    });
    expect([403, 404]).toContain(admin.status);
    contract.check('POST /users', admin);
  });

  test('If-Match: missing is 428, stale is 412, current succeeds; the ETag moves on', async () => {
    const id = await freshUser();
    const { etag } = await admin.read(`/users/${id}`);
    const missing = await admin.call('PATCH', `/users/${id}`, { body: { nickname: 'A' } });
    expect([missing.status, (missing.body as { error: { code: string } }).error.code]).toEqual([428, 'precondition-required']);
    contract.check('PATCH /users/{id}', missing);
    const ok = await admin.call('PATCH', `/users/${id}`, { body: { nickname: 'A' }, ifMatch: etag });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).not.toBe(etag);
    const stale = await admin.call('PATCH', `/users/${id}`, { body: { nickname: 'B' }, ifMatch: etag });
    expect([stale.status, (stale.body as { error: { code: string } }).error.code]).toEqual([412, 'stale']);
    contract.check('PATCH /users/{id}', stale);
    expect((await admin.read(`/users/${id}`)).body.nickname).toBe('A');
  });

  test('a held skill is deleted only when removing it from its agents is confirmed (409 first)', async () => {
    const id = await freshSkill();
    const name = (await admin.read(`/skills/${id}`)).body.name as string;
    await admin.ok('PATCH', `/users/${ids.chloe}`, { skills: ['Billing', name] }, '*');
    const refused = await admin.call('DELETE', `/skills/${id}`, { ifMatch: '*' });
    expect(refused.status).toBe(409);
    contract.check('DELETE /skills/{id}', refused);
    expect((await admin.call('DELETE', `/skills/${id}?removeFromAgents=true`, { ifMatch: '*' })).status).toBe(204);
  });

  test('a key limited to 3 calls a minute gets 429 with Retry-After on the fourth', async ({ playwright, baseURL }) => {
    const limited = new Api(await playwright.request.newContext({ baseURL }), keys.limited);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await limited.call('GET', '/catalog'));
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 429]);
    expect(Number(statuses[3]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    contract.check('GET /catalog', statuses[3]!);
  });

  test('unknown routes and methods answer in the API error shape', async ({ playwright, baseURL }) => {
    const api = new Api(await playwright.request.newContext({ baseURL }), keys.admin);
    const unknown = await api.call('GET', '/nothing/here');
    expect([unknown.status, (unknown.body as { error: { code: string } }).error.code]).toEqual([404, 'not-found']);
    const method = await api.call('DELETE', '/catalog');
    expect([method.status, method.headers.allow]).toEqual([405, 'GET']);
  });

  test('to a caller that accepts gzip, a short answer comes as it is and a long one compressed', async ({ baseURL }) => {
    const permission = ((await admin.ok('GET', '/catalog')).permissions as { key: string }[])[0]!.key;
    const ask = (n: number) =>
      fetch(`${baseURL}/api/v1/authorize`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json', 'accept-encoding': 'gzip' },
        body: JSON.stringify({ questions: Array.from({ length: n }, () => ({ user: ids.agent, permission })) }),
      });
    const short = await ask(100); // about 4,000 characters: Next.js would gzip anything above 1 kB
    expect([short.status, short.headers.get('content-encoding'), short.headers.get('cache-control')]).toEqual([200, null, 'no-store, no-transform']);
    expect(((await short.json()) as { answers: unknown[] }).answers).toHaveLength(100);
    const long = await ask(1000); // about 40,000 characters of answers
    expect([long.status, long.headers.get('content-encoding'), long.headers.get('cache-control')]).toEqual([200, 'gzip', 'no-store']);
    expect(((await long.json()) as { answers: unknown[] }).answers).toHaveLength(1000);
  });
});

test.describe('bad input gets a 4xx naming what is wrong, and changes nothing', () => {
  type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
  const errorOf = (r: { body: unknown }) => (r.body as ErrorBody).error;

  test('malformed, mistyped, unknown, oversized and unsupported bodies', async () => {
    const id = await freshUser();
    const before = await admin.read(`/users/${id}`);
    const patch = (body: Body | string, headers?: Record<string, string>) => admin.call('PATCH', `/users/${id}`, { body, ifMatch: before.etag, headers });

    const malformed = await patch('{"nickname": ');
    expect([malformed.status, errorOf(malformed).code]).toEqual([400, 'invalid']);
    contract.check('PATCH /users/{id}', malformed);

    const mistyped = await patch({ nickname: 42, groupId: 'Tier 1' });
    expect(mistyped.status).toBe(400);
    expect(Object.keys(errorOf(mistyped).fields ?? {})).toEqual(expect.arrayContaining(['nickname', 'groupId']));

    const unknown = await patch({ nickname: 'Fine', isSuperuser: true });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(errorOf(unknown))).toContain('isSuperuser');

    const oversized = await patch({ nickname: 'x'.repeat(70 * 1024) });
    expect([oversized.status, errorOf(oversized).code]).toEqual([413, 'payload-too-large']);

    const text = await patch('nickname=Fine', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);

    const notAnObject = await patch([1, 2, 3]);
    expect(notAnObject.status).toBe(400);

    const badQuery = await admin.call('GET', '/users?pageSize=many&colour=blue');
    expect(badQuery.status).toBe(400);
    expect(Object.keys(errorOf(badQuery).fields ?? {})).toEqual(expect.arrayContaining(['pageSize']));

    const badId = await admin.call('GET', '/users/not-a-number');
    expect(badId.status).toBe(400);

    const after = await admin.read(`/users/${id}`);
    expect(after).toEqual(before);
  });

  test('a batch above 1,000 questions, or naming an unknown permission or channel, is refused with the field', async () => {
    const question = { user: ids.agent, permission: await agentToggle('on') };
    const tooMany = await admin.call('POST', '/authorize', { body: { questions: Array.from({ length: 1001 }, () => question) } });
    expect(tooMany.status).toBe(400);
    expect(Object.keys(errorOf(tooMany).fields ?? {})).toContain('questions');
    contract.check('POST /authorize', tooMany);

    const unknown = await admin.call('POST', '/authorize', {
      body: { questions: [question, { user: ids.agent, permission: 'fly-to-the-moon' }, { ...question, channel: 'carrier-pigeon' }] },
    });
    expect(unknown.status).toBe(400);
    expect(Object.keys(errorOf(unknown).fields ?? {})).toEqual(expect.arrayContaining(['questions.1.permission', 'questions.2.channel']));

    const empty = await admin.call('POST', '/authorize', { body: { questions: [] } });
    expect(empty.status).toBe(400);
  });
});

test.describe('POST /authorize agrees with the engine', () => {
  const LEVELS = ['none', 'view', 'manage-conversations', 'manage-settings'];

  test('1,000 questions over every user, permission and channel are answered in order as each user’s effective permissions say', async () => {
    const catalog = await admin.ok('GET', '/catalog');
    const permissions = (catalog.permissions as { key: string }[]).map((p) => p.key);
    const channels = (catalog.channels as { key: string }[]).map((c) => c.key);
    const users = ((await admin.ok('GET', '/users?pageSize=100&status=active')).data as { id: number }[]).map((u) => u.id);
    expect(users.length).toBeGreaterThan(3);

    // What the engine says for each user, through the per-user endpoint (it does not use the decision index).
    const effective = new Map<number, { allowed: Map<string, { allowed: boolean; missing: string[] }>; level: Map<string, number> }>();
    for (const id of users) {
      const p = await admin.ok('GET', `/users/${id}/permissions`);
      effective.set(id, {
        allowed: new Map(
          (p.permissions as { key: string; allowed: boolean; missing: { kind: string }[] }[]).map((x) => [
            x.key,
            { allowed: x.allowed, missing: x.missing.map((m) => m.kind) },
          ]),
        ),
        level: new Map((p.channels as { key: string; level: string }[]).map((c) => [c.key, LEVELS.indexOf(c.level)])),
      });
    }

    // A deterministic spread of questions: plain permissions, permissions in a channel, and levels in a channel.
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const questions = Array.from({ length: 1000 }, (_, i) => {
      const user = users[next(users.length)]!;
      if (i % 5 === 4) return { user, permission: LEVELS[1 + next(3)]!, channel: channels[next(channels.length)]! };
      const permission = permissions[next(permissions.length)]!;
      return i % 3 === 0 ? { user, permission, channel: channels[next(channels.length)]! } : { user, permission };
    });
    const response = await admin.call('POST', '/authorize', { body: { questions } });
    expect(response.status).toBe(200);
    contract.check('POST /authorize', response);
    const answers = (response.body as { answers: { allowed: boolean; reason: string }[] }).answers;
    expect(answers).toHaveLength(1000);

    let allowedCount = 0;
    questions.forEach((q, i) => {
      const e = effective.get(q.user)!;
      const level = q.channel ? e.level.get(q.channel)! : -1;
      const answer = answers[i]!;
      const where = `question ${i}: ${JSON.stringify(q)} → ${JSON.stringify(answer)}`;
      if (LEVELS.includes(q.permission)) {
        expect(answer.allowed, where).toBe(level >= LEVELS.indexOf(q.permission));
      } else {
        const p = e.allowed.get(q.permission)!;
        const inChannel = level === -1 || level >= 1;
        expect(answer.allowed, where).toBe(p.allowed && inChannel);
        if (!p.allowed) expect([...p.missing, 'not-in-profiles'], where).toContain(answer.reason);
        else if (!inChannel) expect(answer.reason, where).toBe('channel-level-too-low');
      }
      if (answer.allowed) {
        expect(answer.reason, where).toBe('granted');
        allowedCount++;
      }
    });
    // The spread is worth something only if it has both answers in it.
    expect(allowedCount).toBeGreaterThan(50);
    expect(allowedCount).toBeLessThan(950);
  });

  test('a change through the API is in the very next answer; unknown and deactivated users are refused with their reason', async () => {
    const id = await freshUser({ profileIds: [ids.agentProfile] });
    const permission = await agentToggle('off');
    const ask = async () =>
      (
        await admin.ok('POST', '/authorize', {
          questions: [
            { user: id, permission },
            { user: 99_999_999, permission },
          ],
        })
      ).answers as { allowed: boolean; reason: string }[];
    expect((await ask())[0]).toEqual({ allowed: false, reason: 'not-in-profiles' });
    expect((await ask())[1]).toEqual({ allowed: false, reason: 'unknown-user' });
    await admin.ok('POST', `/users/${id}/overrides`, { effect: 'grant', permissionKey: permission, reason: 'API test' });
    expect((await ask())[0]).toEqual({ allowed: true, reason: 'granted' });
    await admin.ok('POST', `/users/${id}/deactivate`, {}, '*');
    expect((await ask())[0]).toEqual({ allowed: false, reason: 'user-deactivated' });
  });
});

test.describe('an API write in the audit trail', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('shows source API and the key acting on behalf of its user', async ({ page }) => {
    const name = unique('Audited skill');
    await admin.ok('POST', '/skills', { name });
    await page.goto(`/audit?q=${encodeURIComponent(name)}`);
    const row = page.getByRole('table', { name: 'Audit events' }).getByRole('row').filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('cell').nth(2)).toHaveText('API');
    await expect(row.getByRole('cell').nth(1)).toContainText('API key');
    await expect(row.getByRole('cell').nth(1)).toContainText('admin');
  });

  test('a call the key may not make is in the security log under Audit, with the key and the reason', async ({ page }) => {
    const agent = new Api(page.context().request, keys.agent);
    expect((await agent.call('POST', '/skills', { body: { name: unique('Refused skill') } })).status).toBe(403);
    await page.goto('/audit');
    const refused = page.getByRole('table', { name: 'Refused attempts' }).getByRole('row').filter({ hasText: 'API key "e2e agent"' }).first();
    await expect(refused.getByRole('cell').nth(2)).toHaveText('API');
    await expect(refused.getByRole('cell').nth(4)).not.toBeEmpty();
  });

  test('Settings shows which keys were used and when, and the API reference lists every operation of the document', async ({ page }) => {
    await page.goto('/settings/api-keys');
    const keyRow = (name: string) =>
      page
        .getByRole('table', { name: 'API keys' })
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name, exact: true }) });
    await expect(keyRow('e2e admin').getByRole('cell').nth(7)).not.toHaveText('Never used');
    await expect(keyRow('e2e revoked').getByRole('cell').nth(7)).toHaveText('Never used');

    await page.goto('/settings/api');
    const operations = contract.operations();
    for (const op of operations) {
      const [method, route] = op.split(' ') as [string, string];
      const escaped = route.replace(/[{}/]/g, (c) => `\\${c}`);
      await expect(page.getByRole('heading', { level: 3, name: new RegExp(`^${method}\\s*${escaped}(?!/)`, 'i') })).toHaveCount(1);
    }
  });
});
