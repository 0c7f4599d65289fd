import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import type { SheetRecord } from './sheet-record.ts';
import { decodeUtf8 } from './utf8.ts';

const FIRST_CHUNK_LENGTH = 64 * 1024;

/** The part of papaparse's parser handle its streamers use: parse a chunk, holding back the last row. */
interface ParserHandle {
  parse(
    input: string,
    baseIndex: number,
    ignoreLastRow: boolean,
  ): { data: string[][]; meta: { cursor: number } };
}
const ParserHandle = (Papa as unknown as { ParserHandle: new (config: object) => ParserHandle })
  .ParserHandle;

/**
 * The records of a UTF-8 CSV, each with the line of the file it starts on, a
 * chunk of the file at a time (about a thousand rows of a long file): a row
 * at a time through async iterators costs several promises a row, more than
 * reading it. papaparse parses each chunk as its own streamers do (the row
 * cut by the chunk's end waits for the next); it does not say where a record
 * starts, so we count the line breaks inside quoted cells ourselves.
 */
export async function* readCsvBatches(bytes: Readable): AsyncGenerator<SheetRecord[]> {
  // A fixed comma: guessing the delimiter misreads one-column files.
  const parser = new ParserHandle({ delimiter: ',' });
  let partial = '';
  let base = 0;
  let line = 1;
  const recordsOf = (rows: string[][]) => {
    const records: SheetRecord[] = [];
    for (const cells of rows) {
      records.push({ line, cells });
      line += 1 + countLineBreaks(cells);
    }
    return records;
  };
  for await (const text of withLongFirstChunk(decodeUtf8(bytes))) {
    const aggregate = partial + text;
    const results = parser.parse(aggregate, base, true);
    partial = aggregate.substring(results.meta.cursor - base);
    base = results.meta.cursor;
    if (results.data.length > 0) yield recordsOf(results.data);
  }
  if (partial) yield recordsOf(parser.parse(partial, base, false).data);
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
  for (const cell of cells)
    if (cell.includes('\n') || cell.includes('\r')) count += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  return count;
}
