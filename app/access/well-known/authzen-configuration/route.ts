import { configurationEndpoint } from '@/lib/authzen/endpoints';

// Served at /.well-known/authzen-configuration (next.config.ts rewrites it here: the App Router routes no folder whose name starts with a dot).
export const GET = configurationEndpoint;
