import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { prepareDatabase, Server } from './harness';

/**
 * At least 5,000 generated bad requests against a production server of its own: every API
 * operation of the published OpenAPI document and every server action of the build, signed in
 * as the admin, with wrong types, huge strings, odd unicode, missing and unknown fields. None may
 * answer 5xx, and no answer may show internals (a stack, a file path, a SQLite message).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const PORT = Number(process.env.ROBUST_PORT ?? 3600) + 50;
const LEAKS = /\bat \S+ \(|node_modules|\.next\/server|SqliteError|SQLITE_|ZodError|TypeError|ReferenceError|\/work\/|\/tmp\/switchboard/;

// A small seeded generator: the same run every time, so a failure can be reproduced.
let seed = 20261123;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const STRINGS = [
  '',
  ' ',
  'x'.repeat(100_000),
  '💥'.repeat(5_000),
  '\u0000\u0001\u0002',
  '\ud800',
  'e\u0301\u200b\u202e',
  "'; drop table users; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '$$ref',
  'NaN',
  '-1',
  '9'.repeat(400),
  '1e309',
  'true',
  'null',
];
const NUMBERS = [0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, 99_999_999];
function badValue(depth = 0): unknown {
  switch (Math.floor(rand() * (depth > 2 ? 4 : 7))) {
    case 0:
      return pick(STRINGS);
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick([true, false, null]);
    case 3:
      return pick(STRINGS).slice(0, 50);
    case 4:
      return Array.from({ length: Math.floor(rand() * 4) }, () => badValue(depth + 1));
    case 5:
      return Array.from({ length: 3000 }, () => pick(NUMBERS));
    default:
      return Object.fromEntries(
        Array.from({ length: 1 + Math.floor(rand() * 3) }, () => [
          pick(['id', 'name', '__proto__', 'constructor', 'x'.repeat(300), 'permissions']),
          badValue(depth + 1),
        ]),
      );
  }
}

/** A body shaped like the operation's own (its fields), with bad values, some missing, some unknown. */
function badBody(fields: string[]): unknown {
  const shape = Math.floor(rand() * 6);
  if (shape === 0) return badValue();
  const body: Record<string, unknown> = {};
  for (const f of fields) if (rand() < 0.7) body[f] = badValue();
  if (shape === 1) body[pick(['isAdmin', '__proto__', 'rowVersion', 'ü'])] = badValue();
  return body;
}

/** A URL component of any string, lone surrogates included. */
const component = (v: unknown) => encodeURIComponent(String(v).replace(/[\ud800-\udfff]/g, '\ufffd'));

/** A request that gets no answer at all is a finding too: say what the server printed. */
async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new Error(`${String(error)} for ${init.method} ${url} ${String(init.body).slice(0, 200)}\n${server.output().slice(-3000)}`);
  }
}

/** React's reply encoding of plain values: a string that starts with "$" is escaped as "$$". */
const encodeReply = (args: unknown[]) => JSON.stringify(args, (_k, v: unknown) => (typeof v === 'string' && v.startsWith('$') ? `$${v}` : v));

interface Outcome {
  what: string;
  status: number;
  text: string;
}

function assertClean(outcomes: Outcome[]) {
  const bad = outcomes.filter((o) => o.status >= 500 || LEAKS.test(o.text)).map((o) => `${o.status} ${o.what}: ${o.text.slice(0, 300)}`);
  const where = [...new Set(outcomes.filter((o) => o.status >= 500 || LEAKS.test(o.text)).map((o) => o.what.split(' ')[0]))];
  expect(bad.slice(0, 10), `${bad.length} of ${outcomes.length} requests answered 5xx or leaked internals, in ${where.join(', ')}`).toEqual([]);
}

let server: Server;
let key: string;

test.beforeAll(async () => {
  const fixture = prepareDatabase();
  key = fixture.key;
  server = new Server(fixture, PORT);
  await server.start();
});

test.afterAll(async () => {
  await server.stop();
});

test('the API: 3,500 bad requests over every operation, none 5xx, none leaking', async () => {
  test.setTimeout(300_000);
  const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  const operations = Object.entries(doc.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const ref = op.requestBody?.content['application/json']?.schema.$ref;
      const fields = ref ? Object.keys(doc.components.schemas[ref.split('/').at(-1)!]?.properties ?? {}) : [];
      return { route, method: method.toUpperCase(), fields };
    }),
  );
  expect(operations.length).toBeGreaterThan(25);

  const outcomes: Outcome[] = [];
  const perOperation = Math.ceil(3500 / operations.length);
  for (const op of operations) {
    for (let i = 0; i < perOperation; i++) {
      const route = op.route.replace(/\{(\w+)\}/g, () =>
        component(rand() < 0.5 ? pick([1, 2, 3]) : pick([...STRINGS.map((s) => s.slice(0, 200)), ...NUMBERS])),
      );
      const query =
        rand() < 0.3
          ? `?${pick(['pageSize', 'q', 'after', 'sort', 'role', 'status', 'removeFromAgents', 'group'])}=${component(String(badValue()).slice(0, 500))}`
          : '';
      const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'if-match': pick(['*', '"1"', 'W/"x"', '"-1"', '"99999999999999999999"']) };
      let body: string | undefined;
      if (op.method !== 'GET') {
        headers['content-type'] = pick(['application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded']);
        body = rand() < 0.1 ? pick(['{', '{"a":', 'not json', '[]]', '\u0000']) : JSON.stringify(badBody(op.fields));
      }
      const r = await send(`${server.url}/api/v1${route}${query}`, { method: op.method, headers, body });
      const text = await r.text();
      outcomes.push({ what: `${op.method} ${route}${query.slice(0, 80)}`, status: r.status, text });
      if (r.status >= 400) expect(JSON.parse(text), text.slice(0, 200)).toHaveProperty('error.code');
    }
  }
  expect(outcomes.length).toBeGreaterThanOrEqual(3500);
  assertClean(outcomes);
});

/** Signed in as the admin through Auth.js, as the login form does: the cookie header to send. */
async function signedInAdmin(): Promise<() => string> {
  const jar = new Map<string, string>();
  const remember = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  remember(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    body: new URLSearchParams({ csrfToken, loginName: 'admin', password: 'robustness-password' }),
  });
  remember(signIn);
  expect([...jar.keys()].some((k) => k.includes('session-token'))).toBe(true);
  return () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Every server action of the build, with the page it is posted to; the sign-outs last (they end the session the others need). */
const endsSession = (name: string) => name === 'signOutAction' || name === 'signOutEverywhereAction';

function actionsOfBuild() {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { workers: Record<string, unknown>; exportedName: string }>;
  };
  const routeOf = (page: string) =>
    page
      .replace(/^app/, '')
      .replace(/\/\([^)]+\)/g, '')
      .replace(/\/page$/, '')
      .replace(/\[[^\]]+\]/g, '1') || '/';
  return Object.entries(manifest.node)
    .map(([id, a]) => ({ id, name: a.exportedName, route: routeOf(Object.keys(a.workers)[0]!) }))
    .sort((a, b) => Number(endsSession(a.name)) - Number(endsSession(b.name)));
}

test('the server actions: 1,700 bad calls over every action of the build, signed in as the admin, none 5xx, none leaking', async () => {
  test.setTimeout(300_000);
  const cookie = await signedInAdmin();
  const actions = actionsOfBuild();
  expect(actions.length).toBeGreaterThan(20);

  const outcomes: Outcome[] = [];
  const perAction = Math.ceil(1700 / actions.length);
  for (const action of actions) {
    for (let i = 0; i < perAction; i++) {
      let args: unknown[];
      // Bodies above next.config's 64 kB limit are refused by Next.js before any action runs (checked below).
      do
        args =
          rand() < 0.2
            ? [badValue(), badValue()]
            : [rand() < 0.5 ? badBody(['id', 'name', 'rowVersion', 'permissions', 'userId', 'mode', 'status', 'keys', 'key']) : badValue()];
      while (encodeReply(args).length > 60_000);
      const r = await send(`${server.url}${action.route}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'next-action': action.id,
          'content-type': 'text/plain;charset=UTF-8',
          accept: 'text/x-component',
          origin: server.url,
          cookie: cookie(),
        },
        body: encodeReply(args),
      });
      outcomes.push({ what: `${action.name} ${encodeReply(args).slice(0, 120)}`, status: r.status, text: await r.text() });
    }
  }
  expect(outcomes.length).toBeGreaterThanOrEqual(1700);
  assertClean(outcomes);
  // The calls reached the actions, signed in, and were refused by them with a readable result.
  expect(outcomes.filter((o) => o.text.includes('"ok":false')).length).toBeGreaterThan(outcomes.length * 0.8);

  // An oversized body never reaches the action, and the server goes on answering.
  const createSkill = actions.find((a) => a.name === 'createSkillAction')!;
  const oversized = await fetch(`${server.url}/skills`, {
    method: 'POST',
    headers: { 'next-action': createSkill.id, 'content-type': 'text/plain;charset=UTF-8', origin: server.url, cookie: cookie() },
    body: encodeReply([{ name: 'x'.repeat(200_000) }]),
  });
  expect(oversized.status).toBe(413);
  expect(await oversized.text()).toMatch(/larger than 64 kB/);
  expect((await fetch(`${server.url}/api/v1/catalog`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
});

test('server-action transports: a foreign or missing origin is 403, a malformed body 400, an oversized one 413 however it is sent, one without a length 411', async () => {
  test.setTimeout(120_000);
  const cookie = await signedInAdmin();
  const createSkill = actionsOfBuild().find((a) => a.name === 'createSkillAction')!;
  const action = (headers: Record<string, string>, body: BodyInit, extra: RequestInit = {}) =>
    send(`${server.url}/skills`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'next-action': createSkill.id, 'content-type': 'text/plain;charset=UTF-8', cookie: cookie(), ...headers },
      body,
      ...extra,
    });
  const valid = JSON.stringify([{ name: 'Transport check' }]);
  const big = 'x'.repeat(100_000);
  const chunked = (bytes: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent < bytes; sent += 10_000) controller.enqueue(new TextEncoder().encode(big.slice(0, Math.min(10_000, bytes - sent))));
        controller.close();
      },
    });
  const cases: [string, () => Promise<Response>, number][] = [
    ['a foreign origin', () => action({ origin: 'https://evil.example' }, valid), 403],
    ['the same host on another port', () => action({ origin: server.url.replace(/:(\d+)$/, (_m, p: string) => `:${Number(p) + 1}`) }, valid), 403],
    ['another scheme', () => action({ origin: server.url.replace('http:', 'https:') }, valid), 403],
    ['origin "null"', () => action({ origin: 'null' }, valid), 403],
    ['a malformed origin', () => action({ origin: 'http://[::1' }, valid), 403],
    ['no origin', () => action({}, valid), 403],
    ['a body of "{{{"', () => action({ origin: server.url }, '{{{'), 400],
    ['an empty body', () => action({ origin: server.url }, ''), 400],
    ['a body that is not a list', () => action({ origin: server.url }, '"x"'), 400],
    ['invalid UTF-8', () => action({ origin: server.url }, new Uint8Array([0x5b, 0xff, 0xfe, 0x5d])), 400],
    ['100 kB with a length', () => action({ origin: server.url }, JSON.stringify([{ name: big }])), 413],
    ['100 kB chunked, no length', () => action({ origin: server.url }, chunked(100_000), { duplex: 'half' } as RequestInit), 413],
    ['a small chunked body, no length', () => action({ origin: server.url }, chunked(20), { duplex: 'half' } as RequestInit), 411],
    [
      '100 kB as a form post without Next-Action',
      () =>
        send(`${server.url}/skills`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie: cookie() },
          body: new URLSearchParams({ name: big }).toString(),
        }),
      413,
    ],
  ];
  // A raw request, exactly as written (fetch would resolve "/api/../skills" to "/skills" itself).
  const raw = (path: string, headers: Record<string, string>, body?: string) =>
    new Promise<Response>((resolve, reject) => {
      const length = body !== undefined && !headers['transfer-encoding'] ? { 'content-length': String(Buffer.byteLength(body)) } : {};
      const req = http.request({ host: '127.0.0.1', port: new URL(server.url).port, path, method: 'POST', headers: { ...headers, ...length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode })));
      });
      req.setTimeout(20_000, () => req.destroy(new Error(`no answer for ${path}`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  const { port } = new URL(server.url);
  cases.push(
    [
      'a chunked body behind "/api/.." (no length)',
      () => raw('/api/../skills', { 'next-action': createSkill.id, origin: server.url, 'transfer-encoding': 'chunked' }, '[1]'),
      411,
    ],
    [
      'a chunked 100 kB body behind "/api/.."',
      () => raw('/api/../skills', { 'next-action': createSkill.id, origin: server.url, 'transfer-encoding': 'chunked' }, big),
      413,
    ],
    ['PUT to a page', () => action({ origin: server.url }, valid, { method: 'PUT' }), 405],
    ['a React reference in the arguments', () => action({ origin: server.url }, '["$Q1"]'), 400],
    ['a path into another value', () => action({ origin: server.url }, '[{"then":"$1:__proto__:then"}]'), 400],
    ['multipart without a boundary', () => action({ origin: server.url, 'content-type': 'multipart/form-data' }, '{{{'), 400],
    [
      'the host in other letters',
      () =>
        raw('/skills', { 'next-action': createSkill.id, origin: `http://localhost:${port}`, host: `LOCALHOST:${port}`, 'content-type': 'text/plain' }, valid),
      403,
    ],
    [
      'a foreign origin at a path beside the favicon',
      () => send(`${server.url}/favicon.icoX`, { method: 'POST', headers: { 'next-action': createSkill.id, origin: 'http://evil.example' }, body: valid }),
      403,
    ],
  );
  const answered: string[] = [];
  for (const [what, call, status] of cases) {
    const r = await call();
    const text = await r.text();
    expect(r.status, `${what}: ${text.slice(0, 200)}`).toBe(status);
    expect(text, what).not.toMatch(LEAKS);
    answered.push(what);
  }
  expect(answered).toHaveLength(cases.length);
  // None of them created the skill, and the server goes on answering.
  const skills = await send(`${server.url}/api/v1/skills`, { headers: { authorization: `Bearer ${key}` } });
  expect(((await skills.json()) as { data: { name: string }[] }).data.map((s) => s.name)).not.toContain('Transport check');
});

test('each request writes one JSON log line with its id, route, status, time and who asked, and never a secret', async () => {
  const asked = await send(`${server.url}/api/v1/users?q=should-not-appear`, { headers: { authorization: `Bearer ${key}`, 'x-request-id': 'trace-42' } });
  expect(asked.status).toBe(200);
  expect(asked.headers.get('x-request-id')).toBe('trace-42');
  const made = await send(`${server.url}/api/health`, {});
  const madeId = made.headers.get('x-request-id');
  expect(madeId).toMatch(/^[0-9a-f-]{36}$/);
  // The line is written when the response ends: wait for it, boundedly.
  let lines: Record<string, unknown>[] = [];
  for (let i = 0; i < 50 && !lines.some((l) => l.reqId === madeId); i++) {
    await new Promise((r) => setTimeout(r, 100));
    lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  const line = lines.find((l) => l.reqId === 'trace-42');
  expect(line).toMatchObject({ method: 'GET', route: '/api/v1/users', status: 200, userId: expect.any(Number), apiKeyId: expect.any(Number), msg: 'request' });
  expect(typeof line!.ms).toBe('number');
  expect(lines.find((l) => l.reqId === madeId)).toMatchObject({ route: '/api/health', status: 200 });
  const everything = server.output();
  expect(everything).not.toContain(key);
  expect(everything).not.toContain('should-not-appear');
  expect(everything).not.toContain('robustness-password');
});
