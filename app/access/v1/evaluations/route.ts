import { evaluationsEndpoint } from '@/lib/authzen/endpoints';

export const POST = evaluationsEndpoint;
