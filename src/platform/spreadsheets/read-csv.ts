import { pipeline, type Readable } from 'node:stream';
import Papa from 'papaparse';
import type { SheetRecord } from './sheet-record.ts';
import { decodeUtf8 } from './utf8.ts';

const FIRST_CHUNK_LENGTH = 64 * 1024;

/**
 * The records of a UTF-8 CSV, each with the line of the file it starts on.
 * papaparse streams and applies backpressure; it does not say where a record
 * starts, so we count the line breaks inside quoted cells ourselves.
 */
export async function* readCsvRecords(bytes: Readable): AsyncGenerator<SheetRecord> {
  // A fixed comma: guessing the delimiter misreads one-column files.
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ',' });
  // Failures reach us through the loop below, so the callback has nothing to do.
  const records: AsyncIterable<string[]> = pipeline(
    bytes,
    decodeUtf8,
    withLongFirstChunk,
    parser,
    () => {},
  );
  let line = 1;
  for await (const cells of records) {
    yield { line, cells };
    line += 1 + countLineBreaks(cells);
  }
}

/**
 * papaparse guesses the line ending (CRLF, LF or CR) from its first chunk
 * alone; a chunk holding only "Name,Email\r" would make it guess CR. Upload
 * chunks can be that small, so we give it a long one.
 */
async function* withLongFirstChunk(texts: AsyncIterable<string>): AsyncGenerator<string> {
  let first = '';
  let firstSent = false;
  for await (const text of texts) {
    if (firstSent) {
      yield text;
      continue;
    }
    first += text;
    if (first.length >= FIRST_CHUNK_LENGTH) {
      firstSent = true;
      yield first;
    }
  }
  if (!firstSent && first) yield first;
}

function countLineBreaks(cells: string[]): number {
  let count = 0;
  for (const cell of cells) count += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  return count;
}
