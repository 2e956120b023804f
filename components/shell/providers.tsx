'use client';

/**
 * TanStack Query is the console's client cache. The pattern, for every screen:
 *
 * - **Keys**: one factory per entity in lib/query/keys.ts (`profileKeys.impact(…)`); a key starts
 *   with its entity so `invalidateQueries({ queryKey: profileKeys.all })` reaches all of them.
 * - **Reads** the client needs live (the impact preview, the permission filter, the palette): a
 *   server component prefetches with `makeQueryClient()` from lib/query/server.ts and
 *   `prefetchQuery({ queryKey, queryFn })` calling the lib/dal verb, then wraps the client part in
 *   `<HydrationBoundary state={dehydrate(client)}>`; the client calls `useQuery` with the same key
 *   and a server action as `queryFn` (which runs the same verb), so the first paint needs no
 *   round trip and later pages, searches and refetches go through the action.
 * - **Writes**: `useActionMutation` (lib/query/action-mutation.ts) runs the server action, shows
 *   its result where the person acted and as a toast, and invalidates the keys it names.
 * - **One refresh path**: a server action that changes data calls `revalidatePath`, and Next.js
 *   sends the fresh server components back with its answer. The client never also calls
 *   `router.refresh()` (that was a second render of the same page); it only invalidates its own
 *   query keys.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { makeQueryClient } from '@/lib/query/client';

export function Providers({ children }: { children: React.ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
