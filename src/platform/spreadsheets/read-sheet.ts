import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { readCsvBatches } from './read-csv.ts';
import { readXlsxRecords } from './read-xlsx.ts';
import type { SheetRecord } from './sheet-record.ts';
import { damagedExcel, noHeader, unsupportedType } from './spreadsheet-error.ts';

/** A file on disk, or an upload's stream with the name the person gave the file. */
export type SheetInput = { path: string } | { stream: NodeJS.ReadableStream; filename: string };

/** A data row: its line in the file, and its trimmed cells by header name ('' when empty). */
export interface SheetRow {
  line: number;
  values: Record<string, string>;
}

/**
 * An open spreadsheet whose header row has been read. Iterate it once, for
 * its rows or (a long file's quicker way) its batches of rows; stopping
 * early, or calling close() instead of iterating, releases the file (an input
 * stream is destroyed).
 */
export interface Sheet extends AsyncIterable<SheetRow> {
  /** Normalised column names in column order; '' for a column with no name, whose cells are left out. */
  header: string[];
  /** The rows a chunk of the file at a time (for a CSV, about a thousand rows of a long file). */
  batches(): AsyncIterable<SheetRow[]>;
  close(): Promise<void>;
}

type Format = 'csv' | 'xlsx';

const ZIP_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');

/**
 * Opens a CSV or the first worksheet of an .xlsx and reads its header row, so
 * the caller can check the columns before any row is processed. Rows stream:
 * memory stays flat however long the file. Blank rows are skipped but still
 * counted in line numbers.
 *
 * @throws SpreadsheetError when the file is of another type, damaged, or has no header row.
 */
export async function readSheet(input: SheetInput): Promise<Sheet> {
  const opened = await openInput(input);
  let records: AsyncGenerator<SheetRecord[]> | undefined;
  try {
    records = readRecords(opened, chooseFormat(filenameOf(input), opened.head));
    const { header, rest } = await readHeader(records);
    return openSheet(header, rest, records);
  } catch (error) {
    await records?.return(undefined);
    await opened.close();
    throw error;
  }
}

/** A header name as code refers to it: "First Name" and "first-name" both become first_name. */
export function normaliseHeaderName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function filenameOf(input: SheetInput): string {
  return 'path' in input ? input.path : input.filename;
}

/**
 * The name says which format, except that a file called .csv, or with no
 * extension, may really be an Excel workbook: its zip signature tells.
 */
function chooseFormat(filename: string, head: Buffer): Format {
  const extension = extname(filename).toLowerCase();
  const zipped = head.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE);
  if (extension === '.xlsx') {
    if (!zipped) throw damagedExcel();
    return 'xlsx';
  }
  if (extension !== '.csv' && extension !== '') throw unsupportedType();
  if (zipped) return 'xlsx';
  // Text never holds a zero byte; PDFs, old .xls files and images do.
  if (head.includes(0)) throw unsupportedType();
  return 'csv';
}

interface OpenedInput {
  /** The first chunk or so: enough to see a zip signature or binary content. */
  head: Buffer;
  /** Every byte, the head included. It ends rather than fails if the input does: see readError. */
  bytes: Readable;
  /** Why the input stopped early, if it did (a missing file, an aborted upload). */
  readError(): unknown;
  close(): Promise<void>;
}

/**
 * Reads the first bytes and replays them. A failure of the input is held back
 * and the bytes simply end: exceljs pipes its input, and a pipe does not pass
 * errors on, so a failure would otherwise leave it waiting forever.
 */
async function openInput(input: SheetInput): Promise<OpenedInput> {
  const source = 'path' in input ? createReadStream(input.path) : input.stream;
  const chunks = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  try {
    while (headLength < ZIP_SIGNATURE.length) {
      const next = await chunks.next();
      if (next.done) break;
      const chunk = asBuffer(next.value);
      head.push(chunk);
      headLength += chunk.length;
    }
  } catch (error) {
    await chunks.return?.();
    throw error;
  }
  let readError: unknown;
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        yield asBuffer(next.value);
      }
    } catch (error) {
      readError = error;
    } finally {
      await chunks.return?.();
    }
  }
  const bytes = Readable.from(replay(), { objectMode: false });
  return {
    head: Buffer.concat(head),
    bytes,
    readError: () => readError,
    async close() {
      bytes.destroy();
      // The replay may never have started, and so never reach its finally.
      await chunks.return?.();
    },
  };
}

function asBuffer(chunk: string | Buffer): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** Records from the right reader, in batches; the input is closed however reading ends. */
async function* readRecords(opened: OpenedInput, format: Format): AsyncGenerator<SheetRecord[]> {
  try {
    if (format === 'csv') yield* readCsvBatches(opened.bytes);
    // An .xlsx is read a row at a time: exceljs streams its rows one by one.
    else for await (const record of readXlsxRecords(opened.bytes)) yield [record];
  } catch (error) {
    throw opened.readError() ?? error;
  } finally {
    await opened.close();
  }
  if (opened.readError()) throw opened.readError();
}

/**
 * The first non-blank record, read by hand (a for await loop would close the
 * records on leaving), and the records after it in its batch.
 */
async function readHeader(
  records: AsyncGenerator<SheetRecord[]>,
): Promise<{ header: string[]; rest: SheetRecord[] }> {
  for (let next = await records.next(); !next.done; next = await records.next()) {
    const batch = next.value;
    for (let i = 0; i < batch.length; i++) {
      const cells = batch[i]!.cells.map((cell) => cell.trim());
      if (!isBlank(cells))
        return { header: cells.map(normaliseHeaderName), rest: batch.slice(i + 1) };
    }
  }
  throw noHeader();
}

function openSheet(
  header: string[],
  rest: SheetRecord[],
  records: AsyncGenerator<SheetRecord[]>,
): Sheet {
  const batches = () => readRows(header, rest, records);
  return {
    header,
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const rows of batches()) yield* rows;
    },
    async close() {
      await records.return(undefined);
    },
  };
}

/** Each batch's rows that are not blank, their cells trimmed and named by the header. */
async function* readRows(
  header: string[],
  rest: SheetRecord[],
  records: AsyncGenerator<SheetRecord[]>,
): AsyncGenerator<SheetRow[]> {
  const named = header.flatMap((name, column) => (name ? [{ name, column }] : []));
  const rowsOf = (batch: SheetRecord[]) => {
    const rows: SheetRow[] = [];
    for (const record of batch) {
      const cells = record.cells;
      let blank = true;
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i]!.trim();
        cells[i] = cell;
        if (cell !== '') blank = false;
      }
      if (blank) continue;
      const values: Record<string, string> = {};
      for (const { name, column } of named) values[name] = cells[column] ?? '';
      rows.push({ line: record.line, values });
    }
    return rows;
  };
  if (rest.length > 0) yield rowsOf(rest);
  for await (const batch of records) {
    const rows = rowsOf(batch);
    if (rows.length > 0) yield rows;
  }
}

function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell === '');
}
