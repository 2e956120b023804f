import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The robustness suite runs the real production server (`next start` on the build) against a
 * database of its own, kills and restarts it, and talks to it over HTTP as another program would.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'scripts', 'server.mjs');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface Fixture {
  dir: string;
  db: string;
  key: string;
  /** Skills up to this id came with the seed (its one "seed" event covers them). */
  seededSkills: number;
}

/** A fresh seeded database in a directory of its own (or in `dir`), and an admin API key for it. */
export function prepareDatabase(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-robust-'))): Fixture {
  const db = path.join(dir, 'switchboard.db');
  const run = spawnSync(TSX, ['--conditions=react-server', path.join(__dirname, 'prepare.ts'), db], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SWITCHBOARD_DB: db },
  });
  if (run.status !== 0) throw new Error(`prepare.ts failed: ${run.stderr}`);
  const { key } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { key: string };
  const seededSkills = inspect(db, (d) => (d.prepare('select coalesce(max(id), 0) as n from skills').get() as { n: number }).n);
  return { dir, db, key, seededSkills };
}

export class Server {
  private child: ChildProcess | undefined;
  private log = '';
  readonly url: string;

  constructor(
    private readonly fixture: Fixture,
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.log = '';
    // The production server as `npm start` runs it: Next.js behind scripts/server.mjs (request ids, the JSON log).
    const child = spawn(process.execPath, [SERVER], {
      cwd: ROOT,
      detached: true, // its own process group: a kill reaches every process it started
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        SWITCHBOARD_DB: this.fixture.db,
        AUTH_SECRET: 'robustness-secret-robustness-secret-0123456789',
        ...this.env,
      },
    });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}):\n${this.log}`);
      try {
        const r = await fetch(`${this.url}/api/v1/openapi.json`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`The server did not start in 60 s:\n${this.log}`);
  }

  /** Ends the server at once (SIGKILL: no cleanup of any kind) or politely. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
    await exited;
  }

  output(): string {
    return this.log;
  }
}

export interface Reply {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
  headers: Headers;
}

/** /api/v1 with the fixture's key. */
export class Client {
  constructor(
    private readonly server: Server,
    private readonly key: string,
  ) {}

  async call(method: string, route: string, body?: unknown, ifMatch?: string): Promise<Reply> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch) headers['if-match'] = ifMatch;
    const r = await fetch(`${this.server.url}/api/v1${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: text ? (JSON.parse(text) as Reply['body']) : {} };
  }
}

/** A read-only look at the database from outside the server. */
export function inspect<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
