import { resourceSearchEndpoint } from '@/lib/authzen/endpoints';

export const POST = resourceSearchEndpoint;
