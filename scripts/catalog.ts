/** `npm run --silent catalog -- --json`: the resolved catalog of SWITCHBOARD_PRESET (default liveperson). */
import { catalogToJson } from '@/lib/permissions/catalog';
import { isPresetName, presetCatalog, PRESETS } from '@/seeds/presets';

const preset = process.env.SWITCHBOARD_PRESET ?? 'liveperson';
if (!isPresetName(preset)) {
  console.error(`Unknown preset "${preset}"; choose one of: ${Object.keys(PRESETS).join(', ')}`);
  process.exit(1);
}
try {
  const json = catalogToJson(presetCatalog(preset));
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    for (const role of json.roles) {
      console.log(`${role.name} (rank ${role.rank}): ${role.core.length} core, ${role.permissions.length} configurable`);
    }
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
