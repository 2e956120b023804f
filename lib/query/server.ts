import 'server-only';
import { cache } from 'react';
import { makeQueryClient } from './client';

/** One QueryClient per request on the server, for prefetching what a page hands to the client. */
export const getServerQueryClient = cache(makeQueryClient);
