import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { settings } from '@/db/schema';
import type { Catalog } from '@/lib/permissions/catalog';
import { DEFAULT_PRESET, isPresetName, presetCatalog } from '@/seeds/presets';

/** The catalog this database was seeded with. */
export function getCatalog(): Catalog {
  const row = getDb().select().from(settings).where(eq(settings.key, 'preset')).get();
  const preset = row?.value ?? DEFAULT_PRESET;
  if (!isPresetName(preset)) throw new Error(`This database was seeded with an unknown preset "${preset}"`);
  return presetCatalog(preset);
}
