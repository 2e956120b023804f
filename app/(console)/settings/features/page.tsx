import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getPrincipal } from '@/lib/auth/principal';
import { DalError, listAccountFeatures } from '@/lib/dal';
import { NoAccess } from '@/components/shell/no-access';
import { AccountFeatureList } from '@/components/settings/account-feature-list';

export const metadata: Metadata = { title: 'Account features' };

export default async function SettingsPage() {
  const ctx = await getPrincipal();
  if (!ctx) redirect('/login');
  let features;
  try {
    features = listAccountFeatures({ ctx });
  } catch (error) {
    if (error instanceof DalError && error.code === 'forbidden') return <NoAccess what="account settings" reason={error.message} />;
    throw error;
  }
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Catalog: <strong>{ctx.catalog.title}</strong>. Account features decide the &ldquo;Dependent on account&rdquo; defaults of new profiles, and while a
        feature is off nobody holds the permissions that depend on it.
      </p>
      <AccountFeatureList initial={features} />
    </div>
  );
}
