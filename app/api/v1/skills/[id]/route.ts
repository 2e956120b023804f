import { apiRoute } from '@/lib/api/registry';

export const { GET, POST, PATCH, DELETE } = apiRoute('/skills/{id}');
