import { actionSearchEndpoint } from '@/lib/authzen/endpoints';

export const POST = actionSearchEndpoint;
