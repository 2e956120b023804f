import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDatabase } from './setup';

describe('prepareDatabase', () => {
  it('creates, migrates and seeds an empty database once; a second start migrates and keeps the data', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-setup-')), 'nested', 'switchboard.db');
    const first = await prepareDatabase({ file, preset: 'liveperson' });
    expect(first.seeded).toBe(true);
    expect(first.generatedPassword).toMatch(/^[\w-]{16}$/);
    expect(first.db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    first.db.$client.prepare("update users set name = 'Changed since' where login_name = 'admin'").run();
    const users = (first.db.$client.prepare('select count(*) as n from users').get() as { n: number }).n;
    first.db.$client.close();

    const second = await prepareDatabase({ file, preset: 'liveperson', demoPassword: 'another-password' });
    expect(second.seeded).toBe(false);
    expect(second.generatedPassword).toBeUndefined();
    expect(second.authSecret).toBe(first.authSecret);
    expect((second.db.$client.prepare('select count(*) as n from users').get() as { n: number }).n).toBe(users);
    expect((second.db.$client.prepare("select name from users where login_name = 'admin'").get() as { name: string }).name).toBe('Changed since');
    second.db.$client.close();
  });

  it('refuses an unknown preset with a message naming the choices', async () => {
    await expect(prepareDatabase({ file: ':memory:', preset: 'nope' })).rejects.toThrow(/Unknown SWITCHBOARD_PRESET "nope"; choose one of: liveperson/);
  });
});

describe('npm run catalog -- --json', () => {
  it('prints the resolved catalog as JSON', () => {
    const out = execFileSync(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/catalog.ts', '--json'], { encoding: 'utf8' });
    const json = JSON.parse(out) as {
      preset: string;
      roles: { key: string; builtIn: boolean; core: string[]; permissions: { key: string; default: string }[] }[];
    };
    expect(json.preset).toBe('liveperson');
    expect(json.roles.map((r) => r.key)).toEqual(['agent', 'agent-manager', 'campaign-manager', 'admin']);
    expect(json.roles.every((r) => r.builtIn && r.core.length > 0 && r.permissions.length > 0)).toBe(true);
  });
});

describe('presets', () => {
  it('SWITCHBOARD_PRESET=livecaller seeds the Admin and Operator roles and its demo account', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-preset-')), 'livecaller.db');
    const prepared = await prepareDatabase({ file, preset: 'livecaller', demoPassword: 'preset-password' });
    expect(prepared.preset).toBe('livecaller');
    const roles = prepared.db.$client.prepare('select name from roles order by rank').all() as { name: string }[];
    expect(roles.map((r) => r.name)).toEqual(['Operator', 'Admin']);
    const admin = prepared.db.$client
      .prepare("select p.name from users u join user_profiles up on up.user_id = u.id join profiles p on p.id = up.profile_id where u.login_name = 'admin'")
      .all();
    expect(admin).toEqual([{ name: 'Admin' }]);
    prepared.db.$client.close();
  });

  it('the catalog command honours SWITCHBOARD_PRESET', () => {
    const out = execFileSync(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/catalog.ts', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, SWITCHBOARD_PRESET: 'livecaller' },
    });
    const json = JSON.parse(out) as { preset: string; roles: { name: string }[] };
    expect(json.preset).toBe('livecaller');
    expect(json.roles.map((r) => r.name)).toEqual(['Operator', 'Admin']);
  });
});
