import { exportAuditCsv } from '@/lib/dal';
import { csvDownload } from '@/lib/downloads';

/** GET /audit/export?…filters: the filtered audit trail as CSV, streamed one page at a time. */
export function GET(request: Request) {
  return csvDownload(request, 'audit', (ctx, input) => exportAuditCsv({ ctx, input }));
}
