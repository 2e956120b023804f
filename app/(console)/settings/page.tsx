import { redirect } from 'next/navigation';
import { pagePrincipal } from '@/lib/auth/principal';
import { holds } from '@/lib/dal';
import { AREAS, SETTINGS_ADMIN, CONSOLE, VIEW_API_KEYS } from '@/lib/permissions/console';
import { NoAccess } from '@/components/shell/no-access';

/** /settings opens the first part its visitor may use. */
export default async function SettingsPage() {
  const ctx = await pagePrincipal();
  if (SETTINGS_ADMIN.some((k) => holds(ctx, k))) redirect('/settings/features');
  if ([CONSOLE.manageApiKeys, VIEW_API_KEYS].some((k) => holds(ctx, k))) redirect('/settings/api-keys');
  const names = AREAS.find((a) => a.href === '/settings')!.anyOf.map((k) => `"${ctx.catalog.permissionByKey.get(k)?.name ?? k}"`);
  return <NoAccess what="settings" reason={`You need one of the permissions ${names.join(', ')}.`} />;
}
