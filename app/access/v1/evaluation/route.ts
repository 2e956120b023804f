import { evaluationEndpoint } from '@/lib/authzen/endpoints';

export const POST = evaluationEndpoint;
