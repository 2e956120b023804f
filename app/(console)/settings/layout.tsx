import { pagePrincipal } from '@/lib/auth/principal';
import { holds } from '@/lib/dal';
import { CONSOLE, SETTINGS_ADMIN, VIEW_API_KEYS } from '@/lib/permissions/console';
import { NavLinks } from '@/components/shell/nav-links';

/** Settings has three parts; each shows only to those who may use it (the pages check again). */
export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const ctx = await pagePrincipal();
  const keys = [CONSOLE.manageApiKeys, VIEW_API_KEYS].some((k) => holds(ctx, k));
  const features = SETTINGS_ADMIN.some((k) => holds(ctx, k));
  // Without either part, /settings is a "no access" page of its own (the reference stays reachable by its address).
  if (!keys && !features) return <>{children}</>;
  const tabs = [
    ...(features ? [{ href: '/settings/features', label: 'Account features' }] : []),
    ...(keys ? [{ href: '/settings/api-keys', label: 'API keys' }] : []),
    { href: '/settings/api', label: 'API reference' },
  ];
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <nav aria-label="Settings" className="border-b border-slate-200 pb-2">
        <NavLinks areas={tabs} />
      </nav>
      {children}
    </div>
  );
}
