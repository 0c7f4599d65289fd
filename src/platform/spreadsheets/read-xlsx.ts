import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import type { SheetRecord } from './sheet-record.ts';
import { damagedExcel, SpreadsheetError } from './spreadsheet-error.ts';
import { isoDate } from './text.ts';
import { decodeUtf8 } from './utf8.ts';

/** exceljs is loaded on first use, not at start (some 30 MB of resident memory). */
const require = createRequire(import.meta.url);
let loadedExcel: typeof ExcelJS | null = null;
const excel = (): typeof ExcelJS => (loadedExcel ??= require('exceljs') as typeof ExcelJS);

/**
 * The parts of exceljs's streaming reader we use that its type declarations
 * leave out: its parsers for each part of the workbook, called in the order
 * the workbook needs them.
 */
interface ReaderInternals {
  model?: { sheets?: { name: string; rId: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    chunks: AsyncIterable<unknown>,
    sheetNo: string,
  ): Generator<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
}

/**
 * The rows of the workbook's first worksheet (the leftmost tab), with the row
 * numbers Excel shows.
 *
 * exceljs's own streaming reader takes the zip's parts in the order they are
 * stored and, on Node 18 and later, sometimes loses the last part
 * (https://github.com/exceljs/exceljs/issues/3064): exceljs itself stores the
 * workbook's list of tabs last, so reads of the same file failed at random.
 * We read the zip through its central directory instead (yauzl), hand each
 * part to exceljs's parsers in the order they are needed (relationships,
 * workbook, shared strings, styles, then the first tab) and stream that tab's
 * rows. A zip's directory is at its end, so the compressed file is held in
 * memory (uploads are capped; a 50,000-person workbook is a few megabytes);
 * the rows themselves are never all held.
 */
export async function* readXlsxRecords(bytes: Readable): AsyncGenerator<SheetRecord> {
  const zip = await openZip(await collect(bytes));
  try {
    const reader = new (excel().stream.xlsx.WorkbookReader)(undefined as never, {
      sharedStrings: 'cache',
      // Styles tell a date from a number.
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore',
    });
    const internals = reader as unknown as ReaderInternals;
    const rels = await zip.open('xl/_rels/workbook.xml.rels');
    const workbook = await zip.open('xl/workbook.xml');
    if (!rels || !workbook) throw damagedExcel();
    await internals._parseRels(rels);
    await internals._parseWorkbook(workbook);
    const sharedStrings = await zip.open('xl/sharedStrings.xml');
    if (sharedStrings) {
      // Decoded across chunks: see decodeXml.
      const strings = internals._parseSharedStrings(sharedStrings.setEncoding('utf8'));
      // With sharedStrings: 'cache' it yields nothing; running it fills the cache.
      while (!(await strings.next()).done);
    }
    const styles = await zip.open('xl/styles.xml');
    if (styles) await internals._parseStyles(styles);

    const firstTab = firstTabPart(internals);
    const part = firstTab ? await zip.open(firstTab.path) : undefined;
    if (!firstTab || !part) throw damagedExcel();
    for (const { eventType, value: worksheet } of internals._parseWorksheet(
      decodeXml(part),
      firstTab.sheetNo,
    )) {
      if (eventType !== 'worksheet') continue;
      for await (const row of worksheet) yield { line: row.number, cells: rowCells(row) };
    }
  } catch (error) {
    throw error instanceof SpreadsheetError ? error : damagedExcel(error);
  } finally {
    zip.close();
  }
}

async function collect(bytes: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bytes) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Zip {
  /** A part's bytes, or undefined when the zip has no such part. */
  open(path: string): Promise<Readable | undefined>;
  close(): void;
}

/** The zip's directory, read from its end; a part is decompressed only when opened. */
async function openZip(buffer: Buffer): Promise<Zip> {
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) =>
      error ? reject(damagedExcel(error)) : resolve(zip),
    );
  });
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    file.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      file.readEntry();
    });
    file.on('end', () => resolve());
    file.on('error', (error: unknown) => reject(damagedExcel(error)));
    file.readEntry();
  });
  return {
    async open(path) {
      const entry = entries.get(path);
      return entry ? file.openReadStreamPromise(entry) : undefined;
    },
    close: () => file.close(),
  };
}

/** Where the leftmost tab is kept, by the workbook's list of tabs and its relationships. */
function firstTabPart(internals: ReaderInternals): { path: string; sheetNo: string } | undefined {
  const rId = internals.model?.sheets?.[0]?.rId;
  const target = internals.workbookRels?.find((rel) => rel.Id === rId)?.Target;
  if (!target) return undefined;
  // Targets are relative to xl/, or absolute within the zip.
  const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const sheetNo = /sheet(\d+)\.xml$/.exec(path)?.[1];
  return sheetNo ? { path, sheetNo } : undefined;
}

/**
 * exceljs 4.4 decodes each chunk of a zipped XML file on its own, so a
 * character split between two chunks turns into "��"
 * (https://github.com/exceljs/exceljs/issues/2316). We give its XML parsers
 * text decoded across the chunks instead. The spreadsheets tests catch an
 * upgrade that changes these internals.
 */
function decodeXml(part: Readable): AsyncIterable<string> {
  return decodeUtf8(part as AsyncIterable<Uint8Array>);
}

function rowCells(row: ExcelJS.Row): string[] {
  const cells: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    cells[column - 1] = cellText(cell.value, cell.numFmt);
  });
  return Array.from(cells, (text) => text ?? '');
}

/** A cell as text, the way Excel shows it (dates as YYYY-MM-DD). */
export function cellText(value: ExcelJS.CellValue, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoDate(value);
  if ('richText' in value) return value.richText.map((run) => run.text ?? '').join('');
  if ('formula' in value || 'sharedFormula' in value)
    return formulaResultText(value.result, numFmt);
  if ('hyperlink' in value) return cellText(value.text);
  if ('error' in value) return value.error;
  return '';
}

/** The cached result; exceljs leaves a date-formatted result as Excel's day count. */
function formulaResultText(result: ExcelJS.CellValue, numFmt?: string): string {
  if (typeof result === 'number' && isDateFormat(numFmt)) return cellText(dateFromSerial(result));
  return cellText(result);
}

/** exceljs's own test for a date format: day, month or year codes outside quotes and brackets. */
function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  return /[ymdhMsb]/.test(numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** A date from Excel's day count in the 1900 date system (the 1904 one is Mac-only and rare). */
function dateFromSerial(serial: number): Date {
  const unixEpochSerial = 25569;
  return new Date(Math.round((serial - unixEpochSerial) * 24 * 60 * 60 * 1000));
}

/** Excel keeps 15 significant digits and never shows a stored number in exponent form. */
const plainDecimal = new Intl.NumberFormat('en-GB', {
  useGrouping: false,
  maximumSignificantDigits: 15,
});

function numberText(value: number): string {
  if (!Number.isFinite(value)) return '';
  return plainDecimal.format(value === 0 ? 0 : value);
}
