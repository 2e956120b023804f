import { stringify, type Options } from 'csv-stringify/sync';

/**
 * CSV cells a spreadsheet would run as a formula (OWASP's list: =, +, -, @, tab, carriage return),
 * also behind apostrophes we added before, so that the escape can be undone exactly.
 */
const FORMULA = /^'*[=+\-@\t\r]/;

/** A cell as written: a would-be formula gets a leading apostrophe, which spreadsheets show as text. */
export function csvCell(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** A cell as read back by the import: the apostrophe csvCell added comes off, so it is the text it was. */
export function readCsvCell(value: string): string {
  return value.startsWith("'") && FORMULA.test(value) ? value.slice(1) : value;
}

/** Every CSV the console writes: rows of cells, strings neutralized against formula injection. */
export function writeCsv(rows: readonly (readonly unknown[])[], options?: Options): string {
  return stringify(
    rows.map((row) => row.map((cell) => (typeof cell === 'string' ? csvCell(cell) : cell))),
    options,
  );
}
