import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import {
  csvLine,
  csvStream,
  neutraliseFormula,
  normaliseHeaderName,
  readSheet,
  SpreadsheetError,
  xlsxStream,
  type SheetInput,
  type SheetRow,
} from './index.ts';

let folder = '';
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'coproduce-spreadsheets-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function saved(name: string, stream: Readable): Promise<string> {
  const path = join(folder, name);
  await pipeline(stream, createWriteStream(path));
  return path;
}

async function savedText(name: string, content: string | Buffer): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, content);
  return path;
}

async function readAll(input: SheetInput): Promise<{ header: string[]; rows: SheetRow[] }> {
  const sheet = await readSheet(input);
  const rows: SheetRow[] = [];
  for await (const row of sheet) rows.push(row);
  return { header: sheet.header, rows };
}

async function rejectsWith(input: SheetInput, code: SpreadsheetError['code']): Promise<void> {
  await assert.rejects(readSheet(input), (error: unknown) => {
    assert.ok(error instanceof SpreadsheetError, `not a SpreadsheetError: ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

const header = [
  'First Name',
  'Formula',
  'Count',
  'Joined',
  'Consent',
  'Services',
  'Phone',
  'Notes',
];
const joined = new Date(Date.UTC(2024, 2, 27));
const exportRows = [
  [
    'Siân',
    '=1+1',
    42,
    joined,
    true,
    ['Supported living', 'Floating support'],
    '+44 7700 900123',
    'Said "yes", then\nsaid more',
  ],
  ['O’Brien', 'a=b', -3.5, null, false, [], undefined, ''],
];

describe('neutraliseFormula', () => {
  it('puts a quote before each character a spreadsheet could start a formula with', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      assert.equal(neutraliseFormula(`${lead}SUM(A1)`), `'${lead}SUM(A1)`);
    }
  });

  it('leaves other text alone, formula characters later in it included', () => {
    assert.equal(neutraliseFormula('a=b'), 'a=b');
    assert.equal(neutraliseFormula('Ann'), 'Ann');
    assert.equal(neutraliseFormula(''), '');
    assert.equal(neutraliseFormula(" '=1"), " '=1");
  });
});

describe('csvLine', () => {
  it('quotes commas, quotes and line breaks, doubling quotes, and ends with CRLF', () => {
    assert.equal(
      csvLine(['a,b', 'say "hi"', 'x\ny', 'x\ry', 'plain']),
      '"a,b","say ""hi""","x\ny","x\ry",plain\r\n',
    );
  });

  it('writes empty cells for null and undefined, and numbers as they are', () => {
    assert.equal(csvLine([null, undefined, -5, 0.25]), ',,-5,0.25\r\n');
  });

  it('writes a date alone at midnight UTC, a full timestamp otherwise', () => {
    assert.equal(
      csvLine([joined, new Date(Date.UTC(2024, 2, 27, 9, 30))]),
      '2024-03-27,2024-03-27T09:30:00.000Z\r\n',
    );
  });

  it('writes Yes and No, and lists joined with semicolons', () => {
    assert.equal(csvLine([true, false, ['a', 'b', 3]]), 'Yes,No,a; b; 3\r\n');
  });

  it('neutralises text but not numbers', () => {
    assert.equal(
      csvLine(['-1', -1, '=HYPERLINK("x")', ['@x', 'y']]),
      `'-1,-1,"'=HYPERLINK(""x"")",'@x; y\r\n`,
    );
  });
});

describe('csvStream', () => {
  it('starts with a byte order mark and writes the header then the rows', async () => {
    const path = await saved(
      'plain.csv',
      csvStream(
        ['Name', 'Count'],
        [
          ['Ann', 1],
          ['Bob', 2],
        ],
      ),
    );
    const bytes = await readFile(path);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bytes.subarray(3).toString('utf8'), 'Name,Count\r\nAnn,1\r\nBob,2\r\n');
  });

  it('fails the stream with the error of its row source', async () => {
    async function* failing(): AsyncGenerator<unknown[]> {
      yield ['Ann'];
      throw new Error('the database went away');
    }
    await assert.rejects(
      pipeline(csvStream(['Name'], failing()), discard()),
      /the database went away/,
    );
  });
});

describe('a CSV round trip', () => {
  it('reads back what csvStream wrote, text neutralised', async () => {
    const path = await saved('round-trip.csv', csvStream(header, exportRows));
    const { header: names, rows } = await readAll({ path });
    assert.deepEqual(names, [
      'first_name',
      'formula',
      'count',
      'joined',
      'consent',
      'services',
      'phone',
      'notes',
    ]);
    assert.deepEqual(rows, [
      {
        line: 2,
        values: {
          first_name: 'Siân',
          formula: "'=1+1",
          count: '42',
          joined: '2024-03-27',
          consent: 'Yes',
          services: 'Supported living; Floating support',
          phone: "'+44 7700 900123",
          notes: 'Said "yes", then\nsaid more',
        },
      },
      {
        // The quoted cell above ran over two lines of the file.
        line: 4,
        values: {
          first_name: 'O’Brien',
          formula: 'a=b',
          count: '-3.5',
          joined: '',
          consent: 'No',
          services: '',
          phone: '',
          notes: '',
        },
      },
    ]);
  });
});

describe('an XLSX round trip', () => {
  it('reads back what xlsxStream wrote, text as it was', async () => {
    const path = await saved('round-trip.xlsx', xlsxStream('People', header, exportRows));
    const { header: names, rows } = await readAll({ path });
    assert.deepEqual(names, [
      'first_name',
      'formula',
      'count',
      'joined',
      'consent',
      'services',
      'phone',
      'notes',
    ]);
    assert.deepEqual(rows, [
      {
        line: 2,
        values: {
          first_name: 'Siân',
          formula: '=1+1',
          count: '42',
          joined: '2024-03-27',
          consent: 'TRUE',
          services: 'Supported living; Floating support',
          phone: '+44 7700 900123',
          notes: 'Said "yes", then\nsaid more',
        },
      },
      {
        line: 3,
        values: {
          first_name: 'O’Brien',
          formula: 'a=b',
          count: '-3.5',
          joined: '',
          consent: 'FALSE',
          services: '',
          phone: '',
          notes: '',
        },
      },
    ]);
  });

  it('stores typed cells, a leading = as text and never as a formula, under a bold frozen header', async () => {
    const path = await saved('typed.xlsx', xlsxStream('People', header, exportRows));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('People');
    assert.ok(sheet);
    const formula = sheet.getCell('B2');
    assert.equal(formula.type, ExcelJS.ValueType.String);
    assert.equal(formula.value, '=1+1');
    assert.equal(sheet.getCell('G2').type, ExcelJS.ValueType.String);
    assert.equal(sheet.getCell('G2').value, '+44 7700 900123');
    assert.equal(sheet.getCell('C2').type, ExcelJS.ValueType.Number);
    assert.equal(sheet.getCell('C2').value, 42);
    assert.equal(sheet.getCell('E2').value, true);
    assert.deepEqual(sheet.getCell('D2').value, joined);
    assert.equal(sheet.getCell('D2').numFmt, 'yyyy-mm-dd');
    assert.equal(sheet.getCell('A1').font?.bold, true);
    assert.equal(sheet.views[0]?.state, 'frozen');
    assert.equal((sheet.views[0] as { ySplit?: number } | undefined)?.ySplit, 1);
  });

  it('fails the stream with the error of its row source', async () => {
    async function* failing(): AsyncGenerator<unknown[]> {
      yield ['Ann'];
      throw new Error('the database went away');
    }
    await assert.rejects(
      pipeline(xlsxStream('People', ['Name'], failing()), discard()),
      /the database went away/,
    );
  });
});

describe('readSheet on CSV', () => {
  it('numbers lines as the file does: a multi-line cell and a blank row still count', async () => {
    const path = await savedText(
      'lines.csv',
      'Name,Notes\r\nAnn,"one\r\ntwo\r\nthree"\r\n\r\n,\r\nBob,x\r\n',
    );
    const { rows } = await readAll({ path });
    assert.deepEqual(rows, [
      { line: 2, values: { name: 'Ann', notes: 'one\r\ntwo\r\nthree' } },
      { line: 7, values: { name: 'Bob', notes: 'x' } },
    ]);
  });

  it('reads CRLF and LF files alike, values trimmed, missing cells empty', async () => {
    const crlf = await savedText('crlf.csv', 'Name,Email\r\n Ann , ann@example.org \r\nBob\r\n');
    const lf = await savedText('lf.csv', 'Name,Email\n Ann , ann@example.org \nBob\n');
    const expected = [
      { line: 2, values: { name: 'Ann', email: 'ann@example.org' } },
      { line: 3, values: { name: 'Bob', email: '' } },
    ];
    assert.deepEqual((await readAll({ path: crlf })).rows, expected);
    assert.deepEqual((await readAll({ path: lf })).rows, expected);
  });

  it('drops a byte order mark, even before a quoted header', async () => {
    const path = await savedText('bom.csv', '\uFEFF"First Name",Email\r\nAnn,a@example.org\r\n');
    const { header: names, rows } = await readAll({ path });
    assert.deepEqual(names, ['first_name', 'email']);
    assert.deepEqual(rows[0]?.values, { first_name: 'Ann', email: 'a@example.org' });
  });

  it('normalises header names', () => {
    assert.equal(normaliseHeaderName('First Name'), 'first_name');
    assert.equal(normaliseHeaderName('  Date - of  Birth '), 'date_of_birth');
    assert.equal(normaliseHeaderName('\uFEFFE-mail'), 'e_mail');
    assert.equal(normaliseHeaderName('UPRN'), 'uprn');
  });

  it('reads an upload stream by its file name', async () => {
    const stream = Readable.from([Buffer.from('Name\nAnn\n')]);
    const { rows } = await readAll({ stream, filename: 'people.CSV' });
    assert.deepEqual(rows, [{ line: 2, values: { name: 'Ann' } }]);
  });

  it('reads an upload that arrives in small chunks, one ending inside a CRLF', async () => {
    const text = 'Name,Email\r\nAnn,"a@example.org"\r\nBob,"b@example.org"\r\n';
    for (const cut of [2, 11, 12]) {
      const chunks = [text.slice(0, cut), text.slice(cut)].map((part) => Buffer.from(part));
      const { rows } = await readAll({ stream: Readable.from(chunks), filename: 'a.csv' });
      assert.deepEqual(
        rows,
        [
          { line: 2, values: { name: 'Ann', email: 'a@example.org' } },
          { line: 3, values: { name: 'Bob', email: 'b@example.org' } },
        ],
        `cut at ${cut}`,
      );
    }
  });

  it('streams 100,000 rows in order, yielding the first before the last is produced', async () => {
    const total = 100_000;
    let produced = 0;
    async function* upload(): AsyncGenerator<Buffer> {
      yield Buffer.from('Reference,Name\r\n');
      for (let start = 0; start < total; start += 1000) {
        let chunk = '';
        for (let i = start; i < start + 1000; i += 1) chunk += `${i},Person ${i}\r\n`;
        produced = start + 1000;
        yield Buffer.from(chunk);
      }
    }
    const sheet = await readSheet({ stream: Readable.from(upload()), filename: 'big.csv' });
    let count = 0;
    let producedAtFirstRow = 0;
    for await (const row of sheet) {
      if (count === 0) producedAtFirstRow = produced;
      assert.equal(row.values.reference, String(count));
      assert.equal(row.line, count + 2);
      count += 1;
    }
    assert.equal(count, total);
    assert.ok(producedAtFirstRow < total, `the whole file was read first (${producedAtFirstRow})`);
  });

  it('lets the caller check the header and stop, destroying the input', async () => {
    const stream = createReadStream(await savedText('stop.csv', 'Name\nAnn\nBob\n'));
    const sheet = await readSheet({ stream, filename: 'stop.csv' });
    assert.deepEqual(sheet.header, ['name']);
    await sheet.close();
    assert.equal(stream.destroyed, true);
  });

  it('passes on a failure of the input itself', async () => {
    async function* aborted(): AsyncGenerator<Buffer> {
      yield Buffer.from('Name\nAnn\n');
      throw new Error('the upload was aborted');
    }
    await assert.rejects(
      readAll({ stream: Readable.from(aborted()), filename: 'a.csv' }),
      /upload was aborted/,
    );
  });
});

describe('readSheet on XLSX', () => {
  /** A workbook as Excel writes one: shared strings, styles, formulas with cached results. */
  async function excelLikeWorkbook(name: string): Promise<string> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Register');
    sheet.addRow([
      'Name',
      'Phone',
      'Born',
      'Rich',
      'Link',
      'Formula',
      'Next visit',
      'Active',
      'Sum',
    ]);
    sheet.addRow([
      'Ann',
      7700900123,
      new Date(Date.UTC(1961, 2, 27)),
      { richText: [{ text: 'Tenants’ ' }, { font: { bold: true }, text: 'panel' }] },
      { text: 'Our site', hyperlink: 'https://example.org' },
      { formula: 'A2&" Smith"', result: 'Ann Smith' },
      { formula: 'C2+1', result: new Date(Date.UTC(1961, 2, 28)) },
      true,
      0.1 + 0.2,
    ]);
    sheet.getCell('C2').numFmt = 'dd/mm/yyyy';
    sheet.getCell('G2').numFmt = 'd mmm yyyy';
    sheet.getRow(4).values = ['Bob'];
    const path = join(folder, name);
    await workbook.xlsx.writeFile(path);
    return path;
  }

  it('turns each kind of cell into the text Excel shows, with Excel row numbers', async () => {
    const { header: names, rows } = await readAll({ path: await excelLikeWorkbook('cells.xlsx') });
    assert.deepEqual(names, [
      'name',
      'phone',
      'born',
      'rich',
      'link',
      'formula',
      'next_visit',
      'active',
      'sum',
    ]);
    assert.deepEqual(rows[0], {
      line: 2,
      values: {
        name: 'Ann',
        phone: '7700900123',
        born: '1961-03-27',
        rich: 'Tenants’ panel',
        link: 'Our site',
        formula: 'Ann Smith',
        next_visit: '1961-03-28',
        active: 'TRUE',
        sum: '0.3',
      },
    });
    assert.equal(rows[1]?.line, 4);
    assert.equal(rows[1]?.values.name, 'Bob');
    assert.equal(rows.length, 2);
  });

  it('knows an Excel file by its zip signature when it is named .csv or has no extension', async () => {
    const bytes = await readFile(await excelLikeWorkbook('disguised.xlsx'));
    for (const filename of ['register.csv', 'register']) {
      const { rows } = await readAll({ stream: Readable.from([bytes]), filename });
      assert.equal(rows[0]?.values.rich, 'Tenants’ panel', filename);
    }
  });

  it('keeps characters that straddle two chunks of the zipped XML', async () => {
    const text = (i: number): string => `O’Brien, Siân ŵŷ “${i}” 😀`;
    const count = 5000;
    const rows = Array.from({ length: count }, (_, i) => [String(i), text(i)]);
    // Shared strings, as Excel writes them; xlsxStream writes the text into the worksheet.
    const sharedPath = join(folder, 'shared-strings.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: sharedPath,
      useSharedStrings: true,
    });
    const sheet = writer.addWorksheet('Register');
    sheet.addRow(['Reference', 'Name']).commit();
    for (const row of rows) sheet.addRow(row).commit();
    sheet.commit();
    await writer.commit();
    const inlinePath = await saved(
      'inline.xlsx',
      xlsxStream('Register', ['Reference', 'Name'], rows),
    );

    for (const path of [sharedPath, inlinePath]) {
      const read = await readAll({ path });
      assert.equal(read.rows.length, count);
      for (const row of read.rows)
        assert.equal(row.values.name, text(Number(row.values.reference)));
    }
    // If this fails, exceljs reads these files correctly itself and decodeXmlAcrossChunks can go.
    assert.ok(
      (await replacementCharactersFromExcelJs(sharedPath)) > 0,
      'exceljs no longer splits characters',
    );
  });

  it('reads the leftmost tab, whichever part of the zip holds it', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Notes').addRow(['Note']).commit();
    const register = workbook.addWorksheet('Register');
    register.addRow(['Name']);
    register.addRow(['Ann']);
    // Dragged to the left in Excel: first tab, second part (sheet2.xml).
    // exceljs orders tabs by orderNo, which its type declarations leave out.
    (register as unknown as { orderNo: number }).orderNo = -1;
    const path = join(folder, 'tabs.xlsx');
    await workbook.xlsx.writeFile(path);
    const { header: names, rows } = await readAll({ path });
    assert.deepEqual(names, ['name']);
    assert.deepEqual(rows, [{ line: 2, values: { name: 'Ann' } }]);
  });

  it('reads a workbook whose list of tabs is the last part of the zip, every time', async () => {
    // exceljs's streaming reader lost this last part at random (exceljs issue 3064).
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('First').addRow(['Name']);
    workbook.getWorksheet('First')?.addRow(['Ann']);
    workbook.addWorksheet('Second').addRow(['Other']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    for (let read = 0; read < 25; read += 1) {
      const { rows } = await readAll({ stream: Readable.from([bytes]), filename: 'r.xlsx' });
      assert.deepEqual(rows, [{ line: 2, values: { name: 'Ann' } }], `read ${read}`);
    }
  });

  it('lets the caller stop early, destroying the input', async () => {
    const path = await saved('stop.xlsx', xlsxStream('S', ['Name'], [['Ann'], ['Bob'], ['Cat']]));
    const stream = createReadStream(path);
    const sheet = await readSheet({ stream, filename: 'stop.xlsx' });
    for await (const row of sheet) {
      assert.equal(row.values.name, 'Ann');
      break;
    }
    assert.equal(stream.destroyed, true);
  });
});

describe('readSheet refuses what it cannot read', () => {
  it('refuses other file types by name', async () => {
    await rejectsWith({ path: await savedText('notes.pdf', '%PDF-1.7') }, 'unsupported-type');
    await rejectsWith({ path: await savedText('old.xls', 'Name\nAnn\n') }, 'unsupported-type');
  });

  it('refuses binary content named .csv', async () => {
    await rejectsWith(
      { path: await savedText('picture.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1])) },
      'unsupported-type',
    );
  });

  it('calls a .xlsx that is not a zip, or a damaged zip, damaged', async () => {
    await rejectsWith({ path: await savedText('text.xlsx', 'Name\nAnn\n') }, 'damaged');
    const junk = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(4000, 7)]);
    await rejectsWith({ path: await savedText('junk.xlsx', junk) }, 'damaged');
    const whole = await readFile(await saved('whole.xlsx', xlsxStream('S', ['Name'], [['Ann']])));
    await rejectsWith(
      { path: await savedText('cut.xlsx', whole.subarray(0, whole.length - 40)) },
      'damaged',
    );
  });

  it('refuses a file with no header row', async () => {
    await rejectsWith({ path: await savedText('empty.csv', '') }, 'no-header');
    await rejectsWith({ path: await savedText('blank.csv', '\r\n , \r\n') }, 'no-header');
  });
});

/** Counts "�" in the strings exceljs's own streaming reader returns. */
async function replacementCharactersFromExcelJs(path: string): Promise<number> {
  let count = 0;
  for await (const worksheet of new ExcelJS.stream.xlsx.WorkbookReader(path, {})) {
    for await (const row of worksheet) {
      row.eachCell((cell) => {
        if (typeof cell.value === 'string' && cell.value.includes('\uFFFD')) count += 1;
      });
    }
  }
  return count;
}

function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}
