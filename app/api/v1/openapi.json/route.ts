import { openApiDocument } from '@/lib/api/openapi';
import { jsonResponse } from '@/lib/api/http';

/** The OpenAPI 3.1 document of /api/v1. Public: it describes the API, it reveals no data. */
export function GET() {
  return jsonResponse(openApiDocument(), 200, { 'cache-control': 'public, max-age=300' });
}
