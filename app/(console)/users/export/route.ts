import { exportUsersCsv } from '@/lib/dal';
import { csvDownload } from '@/lib/downloads';

/** GET /users/export?…filters: the users the list shows, as CSV. */
export function GET(request: Request) {
  return csvDownload(request, 'users', (ctx, input) => exportUsersCsv({ ctx, input }));
}
