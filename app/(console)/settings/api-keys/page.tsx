import type { Metadata } from 'next';
import { pagePrincipal } from '@/lib/auth/principal';
import { apiKeyFormOptions, holds, listApiKeys } from '@/lib/dal';
import { CONSOLE } from '@/lib/permissions/console';
import { readForPage } from '@/components/shell/dal-page';
import { ApiKeyManager } from '@/components/settings/api-key-manager';

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage() {
  const ctx = await pagePrincipal();
  const { data: keys, fallback } = readForPage('API keys', () => listApiKeys({ ctx }));
  if (fallback) return fallback;
  // Display only: createApiKey and revokeApiKey authorize on their own.
  const options = holds(ctx, CONSOLE.manageApiKeys) ? apiKeyFormOptions({ ctx }) : null;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Other programs call <code>/api/v1</code> with a key. A key acts for one user and may use only the permissions chosen for it, and never more
        than that user holds at the moment of the call: deactivate him, or take a permission from him, and his keys lose it too. The key is shown
        once, when it is created; Switchboard keeps only a hash of it.
      </p>
      <ApiKeyManager keys={keys} options={options} selfId={ctx.userId} />
    </div>
  );
}
