import { subjectSearchEndpoint } from '@/lib/authzen/endpoints';

export const POST = subjectSearchEndpoint;
