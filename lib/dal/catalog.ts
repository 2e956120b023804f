import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { roles, settings } from '@/db/schema';
import { withCustomRoles, type Catalog } from '@/lib/permissions/catalog';
import { DEFAULT_PRESET, isPresetName, presetCatalog } from '@/seeds/presets';

let memo: { signature: string; catalog: Catalog } | undefined;

/** The catalog this database was seeded with, plus the account's custom roles. */
export function getCatalog(): Catalog {
  const db = getDb();
  const preset = db.select().from(settings).where(eq(settings.key, 'preset')).get()?.value ?? DEFAULT_PRESET;
  if (!isPresetName(preset)) throw new Error(`This database was seeded with an unknown preset "${preset}"`);
  const custom = db
    .select({ key: roles.key, name: roles.name, description: roles.description, rank: roles.rank, baseRoleKey: roles.baseRoleKey, defaults: roles.defaults })
    .from(roles)
    .where(eq(roles.builtIn, false))
    .all()
    .map((r) => ({ ...r, baseRoleKey: r.baseRoleKey ?? '', defaults: r.defaults ?? [] }));
  const signature = `${preset}:${JSON.stringify(custom)}`;
  if (memo?.signature !== signature) memo = { signature, catalog: withCustomRoles(presetCatalog(preset), custom) };
  return memo.catalog;
}
