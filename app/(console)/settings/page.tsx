import { redirect } from 'next/navigation';
import { pagePrincipal } from '@/lib/auth/principal';
import { holds } from '@/lib/dal';
import { CONSOLE, SETTINGS_ADMIN, VIEW_API_KEYS } from '@/lib/permissions/console';

/** /settings opens the first part its visitor may use. */
export default async function SettingsPage() {
  const ctx = await pagePrincipal();
  if (SETTINGS_ADMIN.some((k) => holds(ctx, k))) redirect('/settings/features');
  redirect([CONSOLE.manageApiKeys, VIEW_API_KEYS].some((k) => holds(ctx, k)) ? '/settings/api-keys' : '/settings/api');
}
