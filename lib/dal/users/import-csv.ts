import 'server-only';
import { parse } from 'csv-parse/sync';
import { readCsvCell } from '@/lib/csv';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { CSV_LIST_SEPARATOR, MAX_IMPORT_ROWS, USER_CSV_REQUIRED, USER_IMPORT_COLUMNS, type UserImportColumn } from '@/lib/schemas/users';
import type { Scope } from '../authorize';
import { DalError } from '../errors';
import { groupLabels } from './export';

/** A row's problem found while reading it, before the rules createUser shares. */
export class RowProblem extends Error {
  constructor(
    readonly column: UserImportColumn | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface CsvFile {
  columns: Map<UserImportColumn, number>;
  width: number;
  /** Non-blank rows below the header, with their spreadsheet row numbers. */
  rows: { row: number; cells: string[] }[];
}

/**
 * The file as rows. Blank rows (a spreadsheet's trailing ",,,,") are skipped but still counted, so
 * each row's number is the one the spreadsheet shows, even when a quoted cell spans lines.
 */
export function readCsv(csv: string): CsvFile {
  let records: string[][];
  try {
    // A cell the export escaped against formula injection reads back as the text it was.
    records = (parse(csv, { bom: true, relax_column_count: true }) as string[][]).map((r) => r.map(readCsvCell));
  } catch (error) {
    const message = error instanceof Error ? error.message : 'unreadable';
    throw new DalError('invalid', `The file is not valid CSV: ${message}`, { csv: [message] });
  }
  const [header, ...data] = records;
  if (!header) throw new DalError('invalid', 'The file is empty: it needs a header line and one line per user.', { csv: ['Empty file'] });
  const columns = readHeader(header);
  const rows = data.map((cells, i) => ({ row: i + 2, cells })).filter(({ cells }) => cells.some((c) => c.trim() !== ''));
  if (rows.length === 0) throw new DalError('invalid', 'The file has a header but no users.', { csv: ['No users'] });
  if (rows.length > MAX_IMPORT_ROWS) {
    const message = `The file has ${rows.length.toLocaleString('en')} users; import at most ${MAX_IMPORT_ROWS.toLocaleString('en')} at a time.`;
    throw new DalError('invalid', message, { csv: ['Too many rows'] });
  }
  return { columns, width: header.length, rows };
}

/** The header, checked: every column known and none twice, the required ones present. Returns each column's position. */
function readHeader(header: string[]): Map<UserImportColumn, number> {
  const known = new Map(USER_IMPORT_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const positions = new Map<UserImportColumn, number>();
  header.forEach((raw, i) => {
    const column = known.get(raw.trim().toLowerCase());
    if (!column) {
      const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
      throw new DalError('invalid', `Unknown column "${shown}" in the header. The columns are: ${USER_IMPORT_COLUMNS.join(', ')}.`, {
        csv: [`Unknown column "${shown}"`],
      });
    }
    if (positions.has(column)) throw new DalError('invalid', `The column "${column}" appears twice in the header.`, { csv: [`Column "${column}" twice`] });
    positions.set(column, i);
  });
  const missing = USER_CSV_REQUIRED.filter((c) => !positions.has(c));
  if (missing.length) {
    throw new DalError('invalid', `The header lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')}.`, {
      csv: missing.map((c) => `Missing column "${c}"`),
    });
  }
  return positions;
}

/**
 * Groups by what a cell may say, as the export writes them: the path from the top ("Lisbon /
 * Billing"; a top-level group's path is its name), or the name alone when no other group he can
 * see has it.
 */
export function groupResolver(scope: Scope) {
  const groups = getDb().select({ id: t.groups.id, parentId: t.groups.parentId, name: t.groups.name }).from(t.groups).all();
  const visible = (id: number) => scope.kind === 'account' || scope.groupIds.has(id);
  const paths = groupLabels(groups, true);
  const byPath = new Map([...paths].map(([id, path]) => [path.toLowerCase(), id]));
  const byName = new Map<string, number[]>();
  for (const g of groups.filter((g) => visible(g.id))) byName.set(g.name.toLowerCase(), [...(byName.get(g.name.toLowerCase()) ?? []), g.id]);
  return (cell: string): number | null => {
    if (!cell) return null;
    const key = cell.toLowerCase();
    const path = byPath.get(key);
    if (path !== undefined && visible(path)) return path;
    const named = byName.get(key) ?? [];
    if (named.length > 1) {
      const examples = named.slice(0, 2).map((id) => `"${paths.get(id)}"`);
      throw new RowProblem('Group', `"${cell}" names ${named.length} groups; write its path, like ${examples.join(' or ')}.`);
    }
    // Outside his reach a group does not exist for him, as everywhere else.
    if (named.length === 0) throw new RowProblem('Group', `There is no group "${cell}".`);
    return named[0]!;
  };
}

export const list = (cell: string) =>
  cell
    .split(CSV_LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter(Boolean);
