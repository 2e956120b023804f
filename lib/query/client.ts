import { QueryClient } from '@tanstack/react-query';

/**
 * The same defaults on the server (prefetch) and in the browser: data prefetched for a page is
 * fresh for 30 s, so hydration does not refetch it at once; a failed read is retried once.
 * Mutations are never retried: a write runs once, its result is reported.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 }, mutations: { retry: false } } });
}
