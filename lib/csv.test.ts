import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { csvCell, readCsvCell, writeCsv } from './csv';

describe('CSV cells against formula injection (OWASP)', () => {
  it.each(['=HYPERLINK("http://evil.example","open")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx', "'=already", "''+twice"])(
    '%j is written as text and read back as it was',
    (value) => {
      const written = csvCell(value);
      expect(written.startsWith("'")).toBe(true);
      expect(readCsvCell(written)).toBe(value);
      const cell = (parse(writeCsv([[value]])) as string[][])[0]?.[0];
      expect(cell).toBe(written);
    },
  );

  it.each(['Avery Admin', "O'Brien", "'quoted'", 'a=b', '3', ''])('%j is left alone', (value) => {
    expect(csvCell(value)).toBe(value);
    expect(readCsvCell(value)).toBe(value);
  });

  it('numbers and empty cells are written as they are', () => {
    expect(writeCsv([[-1, null, 'x']])).toBe('-1,,x\n');
  });
});
