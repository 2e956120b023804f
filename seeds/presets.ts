import { loadCatalog, type Catalog } from '@/lib/permissions/catalog';
import { livepersonCatalog } from './catalogs/liveperson';
import { livecallerCatalog } from './catalogs/livecaller';
import { aivoCatalog } from './catalogs/aivo';

export const PRESETS = { liveperson: livepersonCatalog, aivo: aivoCatalog, livecaller: livecallerCatalog } as const;
export type PresetName = keyof typeof PRESETS;
export const DEFAULT_PRESET: PresetName = 'liveperson';

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

const loaded = new Map<string, Catalog>();

/** The validated catalog of a preset; throws a CatalogError naming the bad entry. */
export function presetCatalog(name: PresetName): Catalog {
  let catalog = loaded.get(name);
  if (!catalog) {
    catalog = loadCatalog(PRESETS[name]);
    loaded.set(name, catalog);
  }
  return catalog;
}
