import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogToJson, CatalogError, loadCatalog, roleDefaults } from './catalog';
import { livepersonCatalog } from '@/seeds/catalogs/liveperson';

// The tables of reference 000 (../shared/reference/000_caee76884cbecd42.txt, outside the repo), copied verbatim.
const REFERENCE = path.join(__dirname, 'fixtures/liveperson-reference-000.txt');

/** Every table row of reference 000, read independently of the catalog file. */
function referenceTables() {
  const text = fs.readFileSync(REFERENCE, 'utf8');
  return text
    .split(/^### Role: /m)
    .slice(1)
    .map((section) => {
      const role = section.split('\n')[0]!.trim();
      const core = [...section.matchAll(/^\* (.+)$/gm)].map((m) => m[1]!.trim());
      const rows = section
        .split('\n')
        .filter((l) => l.includes('|') && !/^\s*\|?\s*---/.test(l) && !/Permission definition/.test(l))
        .map((l) =>
          l
            .trim()
            .replace(/^\|/, '')
            .replace(/\|\s*$/, '')
            .split('|')
            .map((c) => c.replace(/\s+/g, ' ').trim()),
        );
      return { role, core, rows };
    });
}

const normalizeDefault = (s: string) =>
  s === 'On' ? 'on' : s === 'Off' ? 'off' : /^(Dependant|Depenant) on account$|^Yes \(depending/.test(s) ? 'account' : `?${s}`;

describe('the LivePerson catalog', () => {
  const catalog = loadCatalog(livepersonCatalog);
  const tables = referenceTables();

  it('has the four roles of the reference, Admin ranked highest', () => {
    expect(catalog.roles.map((r) => r.name)).toEqual(tables.map((t) => t.role));
    expect(catalog.roles.find((r) => r.rank === catalog.topRank)?.key).toBe('admin');
  });

  it.each(tables.map((t) => [t.role, t] as const))('%s: every core bullet, every table row, each default state', (_role, table) => {
    const role = catalog.roles.find((r) => r.name === table.role)!;
    expect(role.core.map((c) => c.name)).toEqual(table.core);
    // Rows another reference adds (marked with their source) are not reference 000's.
    const own = role.permissions.filter((p) => !p.source);
    expect(own).toHaveLength(table.rows.length);
    table.rows.forEach((cells, i) => {
      const p = own[i]!;
      const [name, definition, state] = cells as [string, string, string];
      // The two Admin rows whose cells the reference shifts by one word are normalized (see the data's comments).
      const shifted = `${name} ${definition}`.replace(/\s+/g, ' ');
      if (p.name === name) expect(p.definition).toBe(definition);
      else expect(shifted).toBe(`${p.name} ${p.definition}`);
      expect(p.default).toBe(normalizeDefault(state));
    });
  });

  it('gives the same permission one key across roles', () => {
    const join = catalog.roles.map((r) => r.permissions.find((p) => /^Join agents' conversations/.test(p.name))?.key).filter(Boolean);
    expect(new Set(join).size).toBe(1);
    expect(join).toHaveLength(2);
    const keysOfBotStatus = catalog.roles.map((r) => r.permissions.find((p) => p.name === 'Conversation Builder: Bot Status Access')?.key);
    expect(new Set(keysOfBotStatus).size).toBe(1);
  });

  it('declares the prerequisites the reference states, and only in roles that have them', () => {
    for (const role of catalog.roles) {
      const acm = role.permissionByKey.get('conversation-builder-api-credentials-manager');
      expect(acm, role.key).toBeDefined();
      const stated = /also assign Bot Builder Lite and API Developer/.test(acm!.definition);
      expect(acm!.requires.length > 0, role.key).toBe(stated);
      if (stated) expect([...acm!.requires].sort()).toEqual(['conversation-builder-api-developer', 'conversation-builder-bot-builder-lite']);
    }
  });

  it('resolves "Dependent on account" defaults from the enabled features', () => {
    const am = catalog.roleByKey.get('agent-manager')!;
    expect(roleDefaults(am, new Set(['messaging']))).toContain('handle-messaging-conversations');
    expect(roleDefaults(am, new Set())).not.toContain('handle-messaging-conversations');
    expect(roleDefaults(am, new Set())).toContain('join-agents-conversations-in-group'); // plainly On
  });

  it('prints the JSON shape the catalog command promises', () => {
    const shape = z.object({
      preset: z.string(),
      roles: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          rank: z.number(),
          builtIn: z.literal(true),
          core: z.array(z.string()),
          permissions: z.array(
            z.object({
              key: z.string(),
              name: z.string(),
              definition: z.string(),
              category: z.string().min(1),
              default: z.enum(['on', 'off', 'account']),
              requires: z.array(z.string()),
            }),
          ),
        }),
      ),
    });
    const json = catalogToJson(catalog);
    expect(shape.safeParse(json).success).toBe(true);
    const added = catalog.roles.reduce((n, r) => n + r.permissions.filter((p) => p.source).length, 0);
    expect(json.roles.reduce((n, r) => n + r.permissions.length, 0)).toBe(tables.reduce((n, t) => n + t.rows.length, 0) + added);
  });
});

describe('catalog validation', () => {
  const base = () =>
    structuredClone(livepersonCatalog) as unknown as {
      permissions: Record<string, { category: string; feature?: string; coveredBy?: string[]; gates?: { permission: string; verb: string } }>;
      roles: { key: string; name: string; rank: number; permissions: Record<string, unknown>[]; core: { key: string; name: string }[] }[];
      features: { key: string }[];
    };
  const cases: [string, (c: ReturnType<typeof base>) => void, RegExp][] = [
    [
      'a prerequisite the role lacks',
      (c) => (c.roles[0]!.permissions[0]!.requires = ['functions-developer']),
      /role "agent", permission "join-agents-conversations-in-group": requires "functions-developer"/,
    ],
    [
      'a permission not declared',
      (c) => (c.roles[1]!.permissions[2]!.key = 'no-such-permission'),
      /role "agent-manager", permission "no-such-permission": not declared/,
    ],
    [
      '"account" without its feature',
      (c) => (c.roles[0]!.permissions[1]!.default = 'account'),
      /permission "view-agents-conversations-in-group": default "account" needs an accountFeature/,
    ],
    [
      'an unknown feature',
      (c) => (c.permissions['use-secure-form-in-a-conversation']!.feature = 'teleportation'),
      /use-secure-form-in-a-conversation: unknown feature "teleportation"/,
    ],
    [
      'a cover that does not exist',
      (c) => (c.permissions['manage-agent-users-in-group']!.coveredBy = ['manage-everything']),
      /permissions\.manage-agent-users-in-group: covered by unknown permission "manage-everything"/,
    ],
    [
      'a granular permission that does not require its section',
      (c) => (c.permissions['manage-agent-users-in-group']!.gates = { permission: 'manage-skills', verb: 'create' }),
      /permission "manage-agent-users-in-group": gates "manage-skills", so it must require it/,
    ],
    [
      'a bad default state',
      (c) => (c.roles[3]!.permissions[0]!.default = 'maybe'),
      /roles\[3\] \(admin\)\.permissions\[0\] \(access-user-performance-data\)\.default/,
    ],
    ['a key with spaces', (c) => (c.roles[2]!.key = 'Campaign Manager'), /roles\[2\].*\.key/],
    ['a permission listed twice', (c) => c.roles[0]!.permissions.push({ ...c.roles[0]!.permissions[0]! }), /listed twice/],
    ['two top-ranked roles', (c) => (c.roles[2]!.rank = c.roles[3]!.rank), /exactly one role must hold the top rank/],
  ];
  it.each(cases)('refuses %s, naming the entry', (_label, breakIt, message) => {
    const broken = base();
    breakIt(broken);
    expect(() => loadCatalog(broken)).toThrow(CatalogError);
    expect(() => loadCatalog(broken)).toThrow(message);
  });
});
