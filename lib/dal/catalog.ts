import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb, type DB } from '@/db/client';
import { roles, settings } from '@/db/schema';
import { withCustomRoles, type Catalog } from '@/lib/permissions/catalog';
import { DEFAULT_PRESET, isPresetName, presetCatalog } from '@/seeds/presets';
import { logPosition, samePosition, type LogPosition } from './log-position';

let memo: { signature: string; catalog: Catalog } | undefined;
/** Reading the catalog is skipped while the database has not moved (a role's change writes an event). */
let checked: { client: DB['$client']; position: LogPosition; catalog: Catalog } | undefined;

/** The catalog this database was seeded with, plus the account's custom roles. */
export function getCatalog(): Catalog {
  const db = getDb();
  // Inside a write the catalog is read as the transaction sees it, and not kept: it may roll back.
  if (db.$client.inTransaction) return readCatalogFrom(db);
  const position = logPosition(db);
  if (checked && checked.client === db.$client && samePosition(checked.position, position)) return checked.catalog;
  const catalog = readCatalogFrom(db);
  checked = { client: db.$client, position, catalog };
  return catalog;
}

function readCatalogFrom(db: DB): Catalog {
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
