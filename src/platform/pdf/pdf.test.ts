import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { bulletList, createPdf, heading, paragraph, pdfBuffer, table } from './index.ts';

/** The text of every Flate stream in a PDF, for reading what was drawn and tagged. */
function streams(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  const out: string[] = [text];
  const re = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text))) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    try {
      out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // not a Flate stream
    }
  }
  return out.join('\n');
}

describe('tagged PDFs', () => {
  it('names its title and language, tags headings, lists and table cells, and embeds its fonts', async () => {
    const pdf = createPdf({ title: 'Quarterly report', language: 'cy' });
    heading(pdf, 'Adroddiad chwarterol', 1);
    paragraph(pdf, 'Mae’r panel wedi cwrdd ddwywaith. Ŵyr ac ŷd.');
    bulletList(pdf, ['Repairs', 'Voids']);
    table(pdf, {
      caption: 'Attendance',
      head: ['Meeting', 'Present'],
      rows: [
        ['April', '8'],
        ['July', '7'],
      ],
    });
    const bytes = await pdfBuffer(pdf);
    const all = streams(bytes);
    assert.match(all, /\/Lang \(cy\)/);
    assert.match(all, /\/DisplayDocTitle true/);
    assert.match(all, /\/Title \d+ 0 R/);
    assert.match(all, /\(Quarterly report\)/);
    assert.match(all, /\/MarkInfo/);
    assert.match(all, /\/StructTreeRoot/);
    for (const tag of ['H1', 'P', 'L', 'LI', 'LBody', 'Table', 'TR', 'TH', 'TD'])
      assert.match(all, new RegExp(`/S /${tag}\\b`), `a ${tag} element`);
    assert.match(all, /\/FontFile2/, 'fonts embedded');
    assert.doesNotMatch(all, /\/BaseFont \/Helvetica/, 'no unembedded standard font');
  });
});
