import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import { eq } from 'drizzle-orm';
import { setDbForTesting, type DB } from '@/db/client';
import * as t from '@/db/schema';
import requestSchema from '@/lib/authzen/fixtures/evaluation-request.schema.json';
import responseSchema from '@/lib/authzen/fixtures/evaluation-response.schema.json';
import { MAX_EVALUATIONS } from '@/lib/authzen/request';
import { createApiKey } from '@/lib/dal/api-keys';
import { setAccountFeature } from '@/lib/dal/settings';
import { addOverride, setUserStatus } from '@/lib/dal/users';
import { DECISION_REASONS } from '@/lib/permissions/decision-index';
import { callApi } from '@/lib/testing/api';
import { callAuthzen, fetchConfiguration, type AuthzenPath } from '@/lib/testing/authzen';
import { createTestDatabase, principalOf, userByLogin } from '@/lib/testing/db';
import { keyOf } from '@/lib/testing/personas';
import nextConfig from '@/next.config';
import { config as proxyConfig } from '@/proxy';

/**
 * The OpenID AuthZEN 1.0 endpoints, called in-process as a PEP would (lib/testing/authzen.ts): the
 * same answers as /api/v1/authorize, the mapping of each resource type, and the protocol checks of
 * the specification's certification scenario with Switchboard's identifiers. Every evaluation
 * request and answer is validated against the specification's JSON schemas (copied into
 * lib/authzen/fixtures).
 */

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validRequest = ajv.compile(requestSchema);
const validResponse = ajv.compile(responseSchema);

function expectValidRequest(body: unknown) {
  expect(validRequest(body), `request ${JSON.stringify(body)}: ${ajv.errorsText(validRequest.errors)}`).toBe(true);
}
function expectValidDecision(body: unknown) {
  expect(validResponse(body), `answer ${JSON.stringify(body)}: ${ajv.errorsText(validResponse.errors)}`).toBe(true);
}

interface Decision {
  decision: boolean;
  context?: { reason?: string; error?: { status: number; message: string } };
}
interface SearchAnswer<T> {
  page: { next_token: string; count: number; total?: number };
  results: T[];
}

let db: DB;
let adminKey: string;
let managerKey: string;
let channel: string;
let secondChannel: string;

const user = (id: string) => ({ type: 'user', id });
const account = { type: 'account', id: 'account' };

/** One evaluation through POST /access/v1/evaluation: 200, both sides valid against the schemas. */
async function evaluate(body: Record<string, unknown>, key = adminKey): Promise<Decision> {
  expectValidRequest(body);
  const r = await callAuthzen(key, '/access/v1/evaluation', body);
  expect(r.status, r.text).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/json');
  expectValidDecision(r.body);
  return r.body as Decision;
}

/** A batch through POST /access/v1/evaluations: 200, each item and each answer valid against the schemas. */
async function evaluateBatch(body: Record<string, unknown>, key = adminKey): Promise<Decision[]> {
  const r = await callAuthzen(key, '/access/v1/evaluations', body);
  expect(r.status, r.text).toBe(200);
  const answer = r.body as { evaluations: Decision[]; decision?: unknown };
  expect(answer.decision).toBeUndefined();
  for (const d of answer.evaluations) expectValidDecision(d);
  return answer.evaluations;
}

async function search<T>(path: AuthzenPath, body: Record<string, unknown>, key = adminKey): Promise<SearchAnswer<T>> {
  const r = await callAuthzen(key, path, body);
  expect(r.status, r.text).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/json');
  const answer = r.body as SearchAnswer<T>;
  expect(Object.keys(answer)[0]).toBe('page');
  expect(answer.page.count).toBe(answer.results.length);
  return answer;
}

/** Every page of a search, following next_token until it is "". */
async function allPages<T>(
  path: AuthzenPath,
  body: Record<string, unknown>,
  limit: number,
  key = adminKey,
): Promise<{ results: T[]; pages: SearchAnswer<T>[] }> {
  const pages: SearchAnswer<T>[] = [await search<T>(path, { ...body, page: { limit } }, key)];
  while (pages.at(-1)!.page.next_token !== '') {
    expect(pages.length).toBeLessThan(100);
    pages.push(await search<T>(path, { ...body, page: { token: pages.at(-1)!.page.next_token } }, key));
  }
  for (const p of pages.slice(0, -1)) expect(p.results).toHaveLength(limit);
  return { results: pages.flatMap((p) => p.results), pages };
}

beforeAll(async () => {
  db = await createTestDatabase();
  adminKey = keyOf(db, 'admin');
  managerKey = keyOf(db, 'manager');
  const { catalog } = principalOf(db, 'admin');
  channel = catalog.channels[0]!.key;
  secondChannel = catalog.channels[1]!.key;
});

describe('the same answers as /api/v1/authorize', () => {
  it('answers every permission, bare and in channels, and every level, for each kind of user, as authorize does', async () => {
    const { catalog } = principalOf(db, 'admin');
    const logins = ['admin', 'manager', 'agent', 'sales', 'ana.nguyen'];
    for (const [key, seen] of [
      [adminKey, 'admin'],
      [managerKey, 'manager'],
    ] as const) {
      const questions: { user: number; permission: string; channel?: string }[] = [];
      const items: Record<string, unknown>[] = [];
      for (const login of logins) {
        const id = userByLogin(db, login).id;
        for (const p of catalog.permissions) {
          questions.push({ user: id, permission: p.key });
          items.push({ subject: user(login), action: { name: p.key }, resource: account });
          questions.push({ user: id, permission: p.key, channel: secondChannel });
          items.push({ subject: user(login), action: { name: p.key }, resource: { type: 'channel', id: secondChannel } });
        }
        for (const level of ['view', 'manage-conversations', 'manage-settings']) {
          questions.push({ user: id, permission: level, channel });
          items.push({ subject: user(login), action: { name: level }, resource: { type: 'channel', id: channel } });
        }
      }
      const expected: { allowed: boolean; reason: string }[] = [];
      for (let i = 0; i < questions.length; i += 1000) {
        const r = await callApi(key, 'POST', '/api/v1/authorize', { questions: questions.slice(i, i + 1000) });
        expect(r.status).toBe(200);
        expected.push(...(r.body.answers as typeof expected));
      }
      const got: Decision[] = [];
      for (let i = 0; i < items.length; i += MAX_EVALUATIONS) {
        const batch = items.slice(i, i + MAX_EVALUATIONS);
        for (const item of batch) expectValidRequest(item);
        got.push(...(await evaluateBatch({ evaluations: batch }, key)));
      }
      expect(got.map((d) => ({ allowed: d.decision, reason: d.context?.reason }))).toEqual(expected);
      // Not a constant answer, and the manager's key does not see Sales.
      expect(new Set(got.map((d) => d.decision)).size).toBe(2);
      expect(got.every((d) => (DECISION_REASONS as readonly string[]).includes(d.context!.reason!))).toBe(true);
      if (seen === 'manager') expect(got.filter((d) => d.context?.reason === 'unknown-user').length).toBeGreaterThan(0);
    }
  });

  it('answers a user another key cannot list as unknown, with a 404 error, exactly as authorize answers "unknown-user"', async () => {
    const d = await evaluate({ subject: user('sales'), action: { name: 'change-own-settings' }, resource: account }, managerKey);
    expect(d).toEqual({ decision: false, context: { reason: 'unknown-user', error: { status: 404, message: expect.any(String) } } });
    const authorize = await callApi(managerKey, 'POST', '/api/v1/authorize', {
      questions: [{ user: userByLogin(db, 'sales').id, permission: 'change-own-settings' }],
    });
    expect(authorize.body.answers).toEqual([{ allowed: false, reason: 'unknown-user' }]);
    // The admin's key sees him; login names are matched without regard to case.
    expect(await evaluate({ subject: user('SALES'), action: { name: 'change-own-settings' }, resource: account })).toEqual({
      decision: true,
      context: { reason: 'granted' },
    });
  });
});

describe('the reason for each kind of resource', () => {
  let local: DB;
  let key: string;
  beforeEach(async () => {
    local = await createTestDatabase();
    key = keyOf(local, 'admin');
  });
  // The others share the file's database.
  afterEach(() => setDbForTesting(db));
  const reasonOf = async (body: Record<string, unknown>) => (await evaluate(body, key)).context;

  it('account: granted, not-in-profiles, revoked, feature-off, user-deactivated, unknown-user', async () => {
    const admin = principalOf(local, 'admin');
    const q = (login: string, name: string) => ({ subject: user(login), action: { name }, resource: account });
    expect(await reasonOf(q('agent', 'handle-messaging-conversations'))).toEqual({ reason: 'granted' });
    expect(await reasonOf(q('agent', 'manage-users-and-roles'))).toEqual({ reason: 'not-in-profiles' });
    addOverride({
      ctx: admin,
      input: { userId: userByLogin(local, 'agent').id, permissionKey: 'handle-messaging-conversations', effect: 'revoke', reason: 'test' },
    });
    expect(await reasonOf(q('agent', 'handle-messaging-conversations'))).toEqual({ reason: 'revoked' });
    expect(await reasonOf(q('manager', 'send-files-to-consumers-from-local-file-browser'))).toEqual({ reason: 'granted' });
    const feature = local.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, 'file-sharing')).get()!;
    setAccountFeature({ ctx: admin, input: { key: 'file-sharing', enabled: false, rowVersion: feature.rowVersion } });
    expect(await reasonOf(q('manager', 'send-files-to-consumers-from-local-file-browser'))).toEqual({ reason: 'feature-off' });
    setUserStatus({ ctx: admin, input: { id: userByLogin(local, 'sales').id, rowVersion: userByLogin(local, 'sales').rowVersion, status: 'deactivated' } });
    expect(await reasonOf(q('sales', 'change-own-settings'))).toEqual({ reason: 'user-deactivated' });
    expect(await reasonOf(q('nobody', 'change-own-settings'))).toEqual({
      reason: 'unknown-user',
      error: { status: 404, message: 'There is no user "nobody".' },
    });
  });

  it('channel: a level there, a permission there (which needs "View only" too), and properties.level required as well', async () => {
    const admin = principalOf(local, 'admin');
    const agentId = userByLogin(local, 'agent').id;
    const inChannel = (name: string, properties?: Record<string, unknown>) => ({
      subject: user('agent'),
      action: { name },
      resource: { type: 'channel', id: channel, ...(properties ? { properties } : {}) },
    });
    expect(await reasonOf(inChannel('view'))).toEqual({ reason: 'granted' });
    expect(await reasonOf(inChannel('manage-settings'))).toEqual({ reason: 'channel-level-too-low' });
    expect(await reasonOf(inChannel('handle-messaging-conversations'))).toEqual({ reason: 'granted' });
    expect(await reasonOf(inChannel('handle-messaging-conversations', { level: 'manage-settings' }))).toEqual({ reason: 'channel-level-too-low' });
    expect(await reasonOf(inChannel('manage-users-and-roles', { level: 'view' }))).toEqual({ reason: 'not-in-profiles' });
    addOverride({ ctx: admin, input: { userId: agentId, permissionKey: channel, effect: 'level', level: 'none', reason: 'test' } });
    expect(await reasonOf(inChannel('handle-messaging-conversations'))).toEqual({ reason: 'channel-level-too-low' });
    expect(await reasonOf(inChannel('view'))).toEqual({ reason: 'channel-level-too-low' });
  });

  it('user: granted only when he holds the permission and the policy lets him manage that user, else out-of-scope', async () => {
    const over = (actor: string, target: string, name = 'manage-agent-users-in-group') => ({ subject: user(actor), action: { name }, resource: user(target) });
    // The manager manages Support (Tier 1 below it): the agent is his; Sales is outside his structure.
    expect(await reasonOf(over('manager', 'agent'))).toEqual({ reason: 'granted' });
    expect(await reasonOf(over('manager', 'sales'))).toEqual({ reason: 'out-of-scope' });
    // The admin is above him: holding the permission is not enough.
    expect(await reasonOf(over('manager', 'admin'))).toEqual({ reason: 'out-of-scope' });
    // Without the permission, its own reason.
    expect(await reasonOf(over('agent', 'sales'))).toEqual({ reason: 'not-in-profiles' });
    // An account-wide permission reaches anyone the admin may manage.
    expect(await reasonOf(over('admin', 'sales', 'manage-users-and-roles'))).toEqual({ reason: 'granted' });
    expect(await reasonOf(over('manager', 'nobody'))).toEqual({ error: { status: 404, message: 'There is no user "nobody".' } });
  });
});

describe('POST /access/v1/evaluation', () => {
  const permit = { subject: user('agent'), action: { name: 'handle-messaging-conversations' }, resource: account };
  const deny = { subject: user('agent'), action: { name: 'manage-users-and-roles' }, resource: account };

  it('answers 200 with a decision; a permit and a deny', async () => {
    expect((await evaluate(permit)).decision).toBe(true);
    expect((await evaluate(deny)).decision).toBe(false);
  });

  it('accepts an optional context, properties on every entity and unknown fields, and the decision does not change', async () => {
    expect(await evaluate({ ...permit, context: { time: '2025-06-27T18:03-07:00', ip: '192.168.1.1' } })).toEqual(await evaluate(permit));
    const dressed = {
      subject: { ...permit.subject, properties: { department: 'Sales', role: 'manager' } },
      action: { ...permit.action, properties: { method: 'GET' } },
      resource: { ...permit.resource, properties: { status: 'active' } },
      foo: 'bar',
      futureField: { nested: true },
    };
    expect(await evaluate(dressed)).toEqual(await evaluate(permit));
  });

  it('answers the same decision to the same request every time (idempotent)', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await evaluate(permit), await evaluate(deny));
    expect(answers.map((a) => a.decision)).toEqual(Array.from({ length: 5 }, () => [true, false]).flat());
  });

  it('answers a client mistake inside a well-formed request as decision false with a context error, never a 5xx', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ ...permit, subject: { type: 'spaceship', id: 'agent' } }, 400],
      [{ ...permit, subject: user('nonexistent-user') }, 404],
      [{ ...permit, action: { name: 'fly' } }, 400],
      [{ ...permit, resource: { type: 'record', id: 'record-1' } }, 400],
      [{ ...permit, resource: { type: 'channel', id: 'no-such-channel' } }, 404],
      [{ ...permit, resource: { type: 'channel', id: channel, properties: { level: 'owner' } } }, 400],
      [{ ...permit, resource: user('nonexistent-user') }, 404],
      [{ ...permit, action: { name: 'view' } }, 400],
      [{ ...permit, action: { name: 'view' }, resource: user('agent') }, 400],
    ];
    for (const [body, status] of cases) {
      const d = await evaluate(body);
      expect(d.decision, JSON.stringify(body)).toBe(false);
      expect(d.context?.error, JSON.stringify(body)).toEqual({ status, message: expect.stringMatching(/\S/) });
    }
  });

  it('answers 400 with an error message for missing fields, missing sub-fields and wrong types', async () => {
    const full = { subject: user('agent'), action: { name: 'handle-messaging-conversations' }, resource: account };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ action: full.action, resource: full.resource }, /^subject is required$/],
      [{ subject: full.subject, resource: full.resource }, /^action is required$/],
      [{ subject: full.subject, action: full.action }, /^resource is required$/],
      [{ ...full, subject: { id: 'agent' } }, /^subject\.type is required$/],
      [{ ...full, subject: { type: 'user' } }, /^subject\.id is required$/],
      [{ ...full, action: {} }, /^action\.name is required$/],
      [{ ...full, resource: { id: 'account' } }, /^resource\.type is required$/],
      [{ ...full, resource: { type: 'account' } }, /^resource\.id is required$/],
      [{ ...full, subject: 'agent' }, /^subject must be an object$/],
      [{ ...full, action: { name: 123 } }, /^action\.name must be a string$/],
      [{ ...full, subject: { ...full.subject, properties: [] } }, /^subject\.properties must be an object$/],
      [{ ...full, context: 'now' }, /^context must be an object$/],
    ];
    for (const [body, message] of bad) {
      expect(validRequest(body), JSON.stringify(body)).toBe(false);
      for (const path of ['/access/v1/evaluation', '/access/v1/evaluations'] as const) {
        const r = await callAuthzen(adminKey, path, body);
        expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(r.body).toMatch(message);
      }
    }
  });

  it('answers 400 to malformed JSON, an empty body, a body that is not an object, and a body that is not JSON', async () => {
    const cases: [string, Record<string, string | null>, RegExp][] = [
      ['{"subject": {"type": "user", "id": "agent"', {}, /not valid JSON/],
      ['', {}, /empty/],
      ['   ', {}, /empty/],
      ['[]', {}, /must be a JSON object/],
      ['"agent"', {}, /must be a JSON object/],
      [JSON.stringify(permit), { 'content-type': 'text/plain' }, /Content-Type: application\/json/],
      [JSON.stringify(permit), { 'content-type': 'application/x-www-form-urlencoded' }, /Content-Type: application\/json/],
      [JSON.stringify(permit), { 'content-type': null }, /Content-Type: application\/json/],
    ];
    for (const path of [
      '/access/v1/evaluation',
      '/access/v1/evaluations',
      '/access/v1/search/subject',
      '/access/v1/search/resource',
      '/access/v1/search/action',
    ] as const) {
      for (const [body, headers, message] of cases) {
        const r = await callAuthzen(adminKey, path, body, headers);
        expect(r.status, `${path} ${body}`).toBe(400);
        expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(r.body).toMatch(message);
      }
    }
    // application/json with a charset is JSON.
    const r = await callAuthzen(adminKey, '/access/v1/evaluation', permit, { 'content-type': 'application/json; charset=utf-8' });
    expect(r.status).toBe(200);
  });

  it('answers 401 without a valid key, and 413 to a body past its limit', async () => {
    for (const token of [null, 'sb_not-a-key', '']) {
      const r = await callAuthzen(token, '/access/v1/evaluation', permit);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
      expect(r.text).toMatch(/\S/);
    }
    const huge = { ...permit, context: { blob: 'x'.repeat(70 * 1024) } };
    expect((await callAuthzen(adminKey, '/access/v1/evaluation', huge)).status).toBe(413);
  });

  it("shares the REST API's rate limit per key: 429 with Retry-After once it is spent", async () => {
    const { token } = createApiKey({
      ctx: principalOf(db, 'admin'),
      input: { name: 'slow key', userId: userByLogin(db, 'agent').id, permissions: ['change-own-settings'], rateLimitPerMinute: 2 },
    });
    expect((await callAuthzen(token, '/access/v1/evaluation', permit)).status).toBe(200);
    expect(
      (await callApi(token, 'POST', '/api/v1/authorize', { questions: [{ user: userByLogin(db, 'agent').id, permission: 'view-own-performance' }] })).status,
    ).toBe(200);
    const spent = await callAuthzen(token, '/access/v1/search/action', { subject: user('agent'), resource: account });
    expect(spent.status).toBe(429);
    expect(Number(spent.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('echoes X-Request-ID on success and on errors, and makes one up when none is sent', async () => {
    for (const id of ['bfe9eb29-ab87-4ca3-be83-a1d5d8305716', 'a request id with spaces and /:;=', 'x']) {
      expect((await callAuthzen(adminKey, '/access/v1/evaluation', permit, { 'x-request-id': id })).headers.get('x-request-id')).toBe(id);
      expect((await callAuthzen(adminKey, '/access/v1/evaluation', '{', { 'x-request-id': id })).headers.get('x-request-id')).toBe(id);
      expect((await callAuthzen(null, '/access/v1/search/subject', permit, { 'x-request-id': id })).headers.get('x-request-id')).toBe(id);
    }
    const without = await callAuthzen(adminKey, '/access/v1/evaluation', permit);
    expect(without.status).toBe(200);
    expect(without.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const tooLong = await callAuthzen(adminKey, '/access/v1/evaluation', permit, { 'x-request-id': 'x'.repeat(300) });
    expect(tooLong.status).toBe(200);
    expect(tooLong.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('POST /access/v1/evaluations', () => {
  const agent = user('agent');
  const read = { name: 'handle-messaging-conversations' };
  const admin = { name: 'manage-users-and-roles' };

  it('merges the top-level subject, action, resource and context into each item (an item replaces a default whole), in order', async () => {
    const body = {
      subject: agent,
      action: read,
      resource: account,
      context: { time: '2025-06-27T18:03-07:00' },
      evaluations: [
        {},
        { action: admin },
        { subject: user('admin'), action: admin },
        { resource: { type: 'channel', id: channel } },
        { action: { name: 'manage-settings' }, resource: { type: 'channel', id: channel }, context: { source: 'batch-override' } },
      ],
    };
    const merged = body.evaluations.map((e) => ({ subject: body.subject, action: body.action, resource: body.resource, context: body.context, ...e }));
    for (const m of merged) expectValidRequest(m);
    const got = await evaluateBatch(body);
    expect(got).toHaveLength(5);
    const one: Decision[] = [];
    for (const m of merged) one.push(await evaluate(m));
    expect(got).toEqual(one);
    expect(got.map((d) => d.decision)).toEqual([true, false, true, true, false]);
  });

  it('takes fully specified items with no defaults', async () => {
    const got = await evaluateBatch({
      evaluations: [
        { subject: agent, action: read, resource: account },
        { subject: user('sales'), action: admin, resource: account },
      ],
    });
    expect(got.map((d) => d.decision)).toEqual([true, false]);
  });

  it('answers an item that misses a field, or is not an object, as decision false with its error, the others as usual', async () => {
    const got = await evaluateBatch({
      subject: agent,
      action: read,
      options: { evaluations_semantic: 'execute_all' },
      evaluations: [{ resource: account }, {}, 'agent', { resource: { type: 'channel' } }, { resource: account, action: { name: 7 } }, { resource: account }],
    });
    expect(got.map((d) => d.decision)).toEqual([true, false, false, false, false, true]);
    expect(got[1]!.context!.error).toEqual({ status: 400, message: 'evaluations.1: resource is required' });
    expect(got[2]!.context!.error).toEqual({ status: 400, message: 'evaluations.2 must be an object' });
    expect(got[3]!.context!.error).toEqual({ status: 400, message: 'evaluations.3: resource.id is required' });
    expect(got[4]!.context!.error).toEqual({ status: 400, message: 'evaluations.4: action.name must be a string' });
  });

  it('without evaluations, or with an empty list, answers as the single evaluation', async () => {
    const single = { subject: agent, action: read, resource: account };
    for (const body of [single, { ...single, evaluations: [] }]) {
      const r = await callAuthzen(adminKey, '/access/v1/evaluations', body);
      expect(r.status).toBe(200);
      expectValidDecision(r.body);
      expect(r.body).toEqual({ decision: true, context: { reason: 'granted' } });
    }
    // …and then its fields are required as for a single one.
    expect((await callAuthzen(adminKey, '/access/v1/evaluations', { subject: agent, action: read, evaluations: [] })).status).toBe(400);
  });

  it('short-circuits: deny_on_first_deny stops after the first deny (or error), permit_on_first_permit after the first permit', async () => {
    const evaluations = [{ action: read }, { action: read }, { action: admin }, { action: read }, { action: { name: 'fly' } }];
    const ask = (semantic?: string) =>
      evaluateBatch({ subject: agent, resource: account, evaluations, ...(semantic ? { options: { evaluations_semantic: semantic } } : {}) });
    const all = (await ask()).map((d) => d.decision);
    expect(all).toEqual([true, true, false, true, false]);
    expect((await ask('execute_all')).map((d) => d.decision)).toEqual(all);
    expect((await ask('deny_on_first_deny')).map((d) => d.decision)).toEqual([true, true, false]);
    expect((await ask('permit_on_first_permit')).map((d) => d.decision)).toEqual([true]);
    const denyFirst = await evaluateBatch({
      subject: agent,
      resource: account,
      options: { evaluations_semantic: 'permit_on_first_permit' },
      evaluations: [{ action: admin }, { action: { name: 'fly' } }],
    });
    expect(denyFirst.map((d) => d.decision)).toEqual([false, false]);
    const errorFirst = await evaluateBatch({
      subject: agent,
      resource: account,
      options: { evaluations_semantic: 'deny_on_first_deny' },
      evaluations: [{}, { action: read }],
    });
    expect(errorFirst).toEqual([{ decision: false, context: { error: { status: 400, message: 'evaluations.0: action is required' } } }]);
    // Other options are ignored; an unknown semantic is refused.
    expect(await evaluateBatch({ subject: agent, resource: account, evaluations, options: { another_option: 'value' } })).toHaveLength(5);
    const wrong = await callAuthzen(adminKey, '/access/v1/evaluations', {
      subject: agent,
      resource: account,
      evaluations,
      options: { evaluations_semantic: 'first' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(/^options\.evaluations_semantic/);
  });

  it(`takes up to ${MAX_EVALUATIONS} evaluations and refuses more; a wrong top-level type is a 400`, async () => {
    const many = (n: number) => ({ subject: agent, resource: account, evaluations: Array.from({ length: n }, (_, i) => ({ action: i % 2 ? admin : read })) });
    const got = await evaluateBatch(many(MAX_EVALUATIONS));
    expect(got).toHaveLength(MAX_EVALUATIONS);
    expect(got.every((d, i) => d.decision === (i % 2 === 0))).toBe(true);
    const over = await callAuthzen(adminKey, '/access/v1/evaluations', many(MAX_EVALUATIONS + 1));
    expect(over.status).toBe(400);
    expect(over.body).toMatch(/At most 1000 evaluations/);
    for (const body of [{ evaluations: {} }, { subject: 'agent', evaluations: [{}] }, { options: 'all', evaluations: [{}] }]) {
      expect((await callAuthzen(adminKey, '/access/v1/evaluations', body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('POST /access/v1/search/*', () => {
  const conversations = { name: 'handle-messaging-conversations' };

  it('subject search: who can do it, by login name, each of them allowed on evaluation; the subject id is ignored, context accepted', async () => {
    const base = { subject: { type: 'user' }, action: conversations, resource: account };
    const found = await search<{ type: string; id: string }>('/access/v1/search/subject', base);
    expect(found.results.length).toBeGreaterThan(10);
    expect(found.page).toEqual({ next_token: '', count: found.results.length, total: found.results.length });
    expect(found.results.every((r) => r.type === 'user')).toBe(true);
    expect(found.results.map((r) => r.id)).toEqual(expect.arrayContaining(['agent', 'sales', 'manager']));
    for (const r of found.results) expect((await evaluate({ subject: r, action: conversations, resource: account })).decision).toBe(true);
    // Everyone active who is not found is denied.
    const everyone = db.select().from(t.users).where(eq(t.users.status, 'active')).all();
    for (const u of everyone.filter((u) => !found.results.some((r) => r.id === u.loginName))) {
      expect((await evaluate({ subject: user(u.loginName), action: conversations, resource: account })).decision).toBe(false);
    }
    expect(await search('/access/v1/search/subject', { ...base, subject: user('agent') })).toEqual(found);
    expect(await search('/access/v1/search/subject', { ...base, context: { time: '2025-06-27T18:03-07:00' } })).toEqual(found);
    // Account admins only.
    const admins = await search('/access/v1/search/subject', { ...base, action: { name: 'manage-users-and-roles' } });
    expect(admins.results).toEqual([user('admin')]);
    // The manager's key finds only the users it could list.
    const his = await search<{ id: string }>('/access/v1/search/subject', base, managerKey);
    expect(his.results.length).toBeGreaterThan(0);
    expect(his.results.length).toBeLessThan(found.results.length);
    expect(his.results.map((r) => r.id)).not.toContain('sales');
  });

  it('pages with limit and an opaque token: the pages join into the whole answer, the last next_token is ""', async () => {
    const body = { subject: { type: 'user' }, action: conversations, resource: account };
    const whole = await search<{ id: string }>('/access/v1/search/subject', body);
    const { results, pages } = await allPages<{ id: string }>('/access/v1/search/subject', body, 7);
    expect(pages.length).toBe(Math.ceil(whole.results.length / 7));
    expect(results).toEqual(whole.results);
    for (const p of pages) expect(p.page.total).toBe(whole.results.length);
    expect(pages[0]!.page.next_token).toMatch(/\S/);
    // The limit travels in the token; sending the same one again is fine, another is not.
    const second = await search('/access/v1/search/subject', { ...body, page: { token: pages[0]!.page.next_token, limit: 7 } });
    expect(second).toEqual(pages[1]);
    const refused: Record<string, unknown>[] = [
      { ...body, page: { token: pages[0]!.page.next_token, limit: 8 } },
      { ...body, action: { name: 'change-own-settings' }, page: { token: pages[0]!.page.next_token } },
      { ...body, context: { at: 'noon' }, page: { token: pages[0]!.page.next_token } },
      { ...body, page: { token: 'not-a-token' } },
    ];
    for (const b of refused) expect((await callAuthzen(adminKey, '/access/v1/search/subject', b)).status, JSON.stringify(b)).toBe(400);
    // Another endpoint's or another key's token is not this search's.
    expect((await callAuthzen(managerKey, '/access/v1/search/subject', { ...body, page: { token: pages[0]!.page.next_token } })).status).toBe(400);
    // A limit past the maximum, or of the wrong type, is a 400; 0 means the default.
    for (const limit of [1001, -1, 1.5, '5']) expect((await callAuthzen(adminKey, '/access/v1/search/subject', { ...body, page: { limit } })).status).toBe(400);
    expect((await search('/access/v1/search/subject', { ...body, page: { limit: 0 } })).results).toEqual(whole.results);
  });

  it('resource search: the account, the channels where it holds, the users he may act on (paged, without a total)', async () => {
    const find = (subject: string, name: string, resource: Record<string, unknown>) =>
      search<{ type: string; id: string }>('/access/v1/search/resource', { subject: user(subject), action: { name }, resource });
    expect((await find('agent', 'handle-messaging-conversations', { type: 'account' })).results).toEqual([{ type: 'account', id: 'account' }]);
    expect((await find('agent', 'manage-users-and-roles', { type: 'account' })).results).toEqual([]);
    const channels = await find('agent', 'view', { type: 'channel' });
    expect(channels.results.length).toBeGreaterThan(0);
    for (const r of channels.results) expect((await evaluate({ subject: user('agent'), action: { name: 'view' }, resource: r })).decision).toBe(true);
    // The resource id is ignored.
    expect(await find('agent', 'view', { type: 'channel', id: 'whatever' })).toEqual(channels);
    expect((await find('agent', 'manage-settings', { type: 'channel' })).results.length).toBeLessThan(channels.results.length);

    const body = { subject: user('manager'), action: { name: 'manage-agent-users-in-group' }, resource: { type: 'user' } };
    const { results, pages } = await allPages<{ type: string; id: string }>('/access/v1/search/resource', body, 4);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((p) => p.page.total === undefined)).toBe(true);
    const ids = results.map((r) => r.id);
    expect(ids).toContain('agent');
    expect(ids).not.toContain('sales');
    expect(ids).not.toContain('admin');
    expect(new Set(ids).size).toBe(ids.length);
    const everyone = db.select().from(t.users).all();
    for (const u of everyone) {
      const d = await evaluate({ subject: user('manager'), action: { name: 'manage-agent-users-in-group' }, resource: user(u.loginName) });
      expect(d.decision, u.loginName).toBe(ids.includes(u.loginName));
    }
  });

  it('action search: what he may do on the account, in a channel (levels first) and over a user, each allowed on evaluation', async () => {
    const actions = (subject: string, resource: Record<string, unknown>) =>
      search<{ name: string }>('/access/v1/search/action', { subject: user(subject), resource });
    const onAccount = await actions('agent', account);
    expect(onAccount.results).toContainEqual({ name: 'handle-messaging-conversations' });
    expect(onAccount.results).not.toContainEqual({ name: 'manage-users-and-roles' });
    expect(onAccount.page.total).toBe(onAccount.results.length);
    const inChannel = await actions('agent', { type: 'channel', id: channel });
    expect(inChannel.results[0]).toEqual({ name: 'view' });
    const overAgent = await actions('manager', user('agent'));
    expect(overAgent.results).toContainEqual({ name: 'manage-agent-users-in-group' });
    expect((await actions('manager', user('sales'))).results).toEqual([]);
    for (const [subject, resource, found] of [
      ['agent', account, onAccount],
      ['agent', { type: 'channel', id: channel }, inChannel],
      ['manager', user('agent'), overAgent],
    ] as const) {
      for (const a of found.results) expect((await evaluate({ subject: user(subject), action: a, resource }, adminKey)).decision).toBe(true);
    }
    const paged = await allPages<{ name: string }>('/access/v1/search/action', { subject: user('agent'), resource: account }, 4);
    expect(paged.results).toEqual(onAccount.results);
  });

  it('answers an empty list, not an error, for an unknown id, type or action, on every search', async () => {
    const empty: [AuthzenPath, Record<string, unknown>][] = [
      ['/access/v1/search/action', { subject: user('nonexistent-user'), resource: account }],
      ['/access/v1/search/action', { subject: user('agent'), resource: { type: 'record', id: 'record-1' } }],
      ['/access/v1/search/action', { subject: { type: 'spaceship', id: 'agent' }, resource: account }],
      ['/access/v1/search/subject', { subject: { type: 'spaceship' }, action: conversations, resource: account }],
      ['/access/v1/search/subject', { subject: { type: 'user' }, action: { name: 'read' }, resource: account }],
      ['/access/v1/search/subject', { subject: { type: 'user' }, action: conversations, resource: { type: 'channel', id: 'no-such-channel' } }],
      ['/access/v1/search/resource', { subject: user('nonexistent-user'), action: conversations, resource: { type: 'channel' } }],
      ['/access/v1/search/resource', { subject: user('agent'), action: conversations, resource: { type: 'record' } }],
      ['/access/v1/search/resource', { subject: user('agent'), action: { name: 'view' }, resource: { type: 'account' } }],
    ];
    for (const [path, body] of empty)
      expect(await search(path, body), `${path} ${JSON.stringify(body)}`).toEqual({ page: { next_token: '', count: 0, total: 0 }, results: [] });
  });

  it('answers 400 when a required field or an input entity id is missing', async () => {
    const bad: [AuthzenPath, Record<string, unknown>][] = [
      ['/access/v1/search/subject', { subject: { type: 'user' }, resource: account }],
      ['/access/v1/search/subject', { subject: { type: 'user' }, action: conversations, resource: { type: 'account' } }],
      ['/access/v1/search/subject', { action: conversations, resource: account }],
      ['/access/v1/search/resource', { action: conversations, resource: { type: 'channel' } }],
      ['/access/v1/search/resource', { subject: { type: 'user' }, action: conversations, resource: { type: 'channel' } }],
      ['/access/v1/search/resource', { subject: user('agent'), action: conversations }],
      ['/access/v1/search/action', { subject: user('agent') }],
      ['/access/v1/search/action', { subject: { type: 'user' }, resource: account }],
      ['/access/v1/search/action', { subject: user('agent'), resource: { type: 'account' } }],
      ['/access/v1/search/action', { subject: user('agent'), resource: account, page: { token: 5 } }],
    ];
    for (const [path, body] of bad) {
      const r = await callAuthzen(adminKey, path, body);
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.text).toMatch(/\S/);
    }
  });
});

describe('GET /.well-known/authzen-configuration', () => {
  it('names the origin it was fetched from and every endpoint as an absolute URL under it', async () => {
    for (const origin of ['https://pdp.example.com', 'http://127.0.0.1:3000']) {
      const r = await fetchConfiguration(origin, { 'x-request-id': 'discovery-1' });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.headers.get('x-request-id')).toBe('discovery-1');
      expect(r.body).toEqual({
        policy_decision_point: origin,
        access_evaluation_endpoint: `${origin}/access/v1/evaluation`,
        access_evaluations_endpoint: `${origin}/access/v1/evaluations`,
        search_subject_endpoint: `${origin}/access/v1/search/subject`,
        search_resource_endpoint: `${origin}/access/v1/search/resource`,
        search_action_endpoint: `${origin}/access/v1/search/action`,
      });
    }
  });

  it('behind a trusted reverse proxy, names the origin the caller used', async () => {
    const headers = { 'x-forwarded-host': 'switchboard.example.com', 'x-forwarded-proto': 'https' };
    expect(((await fetchConfiguration('http://10.0.0.5:3000', headers)).body as Record<string, string>).policy_decision_point).toBe('http://10.0.0.5:3000');
    process.env.SWITCHBOARD_TRUST_PROXY = '1';
    try {
      expect(((await fetchConfiguration('http://10.0.0.5:3000', headers)).body as Record<string, string>).policy_decision_point).toBe(
        'https://switchboard.example.com',
      );
    } finally {
      delete process.env.SWITCHBOARD_TRUST_PROXY;
    }
  });

  it('is served at its well-known path, and neither it nor /access/v1 meets the page-write checks of proxy.ts', async () => {
    const rewrites = (await nextConfig.rewrites!()) as { source: string; destination: string }[];
    expect(rewrites).toContainEqual({ source: '/.well-known/authzen-configuration', destination: '/access/well-known/authzen-configuration' });
    const matcher = new RegExp(`^${(proxyConfig.matcher[0] as { source: string }).source}$`);
    for (const path of ['/access/v1/evaluation', '/access/v1/search/subject', '/.well-known/authzen-configuration', '/api/v1/authorize'])
      expect(matcher.test(path), path).toBe(false);
    for (const path of ['/users', '/settings/api-keys', '/']) expect(matcher.test(path), path).toBe(true);
  });
});
