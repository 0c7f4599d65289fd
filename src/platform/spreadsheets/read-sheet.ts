import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { readCsvRecords } from './read-csv.ts';
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
 * An open spreadsheet whose header row has been read. Iterate it once for its
 * rows; stopping early, or calling close() instead of iterating, releases the
 * file (an input stream is destroyed).
 */
export interface Sheet extends AsyncIterable<SheetRow> {
  /** Normalised column names in column order; '' for a column with no name, whose cells are left out. */
  header: string[];
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
  let records: AsyncGenerator<SheetRecord> | undefined;
  try {
    records = readRecords(opened, chooseFormat(filenameOf(input), opened.head));
    const header = await readHeader(records);
    return openSheet(header, records);
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

/** Records from the right reader; the input is closed however reading ends. */
async function* readRecords(opened: OpenedInput, format: Format): AsyncGenerator<SheetRecord> {
  try {
    yield* format === 'xlsx' ? readXlsxRecords(opened.bytes) : readCsvRecords(opened.bytes);
  } catch (error) {
    throw opened.readError() ?? error;
  } finally {
    await opened.close();
  }
  if (opened.readError()) throw opened.readError();
}

/** The first non-blank record, read by hand: a for await loop would close the records on leaving. */
async function readHeader(records: AsyncGenerator<SheetRecord>): Promise<string[]> {
  for (let next = await records.next(); !next.done; next = await records.next()) {
    const cells = next.value.cells.map((cell) => cell.trim());
    if (!isBlank(cells)) return cells.map(normaliseHeaderName);
  }
  throw noHeader();
}

function openSheet(header: string[], records: AsyncGenerator<SheetRecord>): Sheet {
  return {
    header,
    [Symbol.asyncIterator]: () => readRows(header, records),
    async close() {
      await records.return(undefined);
    },
  };
}

async function* readRows(
  header: string[],
  records: AsyncGenerator<SheetRecord>,
): AsyncGenerator<SheetRow> {
  for await (const record of records) {
    const cells = record.cells.map((cell) => cell.trim());
    if (isBlank(cells)) continue;
    const values: Record<string, string> = {};
    header.forEach((name, column) => {
      if (name) values[name] = cells[column] ?? '';
    });
    yield { line: record.line, values };
  }
}

function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell === '');
}
