import { createRequire } from 'node:module';
import path from 'node:path';
import type PDFKitDocument from 'pdfkit';
import type { FastifyReply } from 'fastify';

/**
 * Tagged PDFs (DESIGN.md: "a PDF is offered where it can be an accessible
 * one"). HTML to print stays the first format of every poster and report;
 * the PDF is its alternative for people who file or email documents. Every
 * PDF made here is tagged (a structure tree: headings, paragraphs, lists,
 * tables with header cells), names its language and shows its title, and
 * embeds its fonts — Atkinson Hyperlegible (SIL Open Font License), drawn for
 * readers with low vision. [R] This follows the PDF/UA requirements we can
 * meet with pdfkit (tags, language, title, embedded fonts, reading order);
 * pdfkit has no PDF/UA conformance mode, so none is claimed.
 */

type Doc = PDFKit.PDFDocument;

/**
 * pdfkit is loaded on the first PDF, not at start: with its fonts' metrics it
 * is some 28 MB of a server's resident memory that most processes never use.
 */
let loadedPdfkit: typeof PDFKitDocument | null = null;
function pdfkit(): typeof PDFKitDocument {
  loadedPdfkit ??= require('pdfkit') as typeof PDFKitDocument;
  return loadedPdfkit;
}
type Struct = PDFKit.PDFStructureElement;

const require = createRequire(import.meta.url);
const fontDir = path.join(
  path.dirname(require.resolve('@fontsource/atkinson-hyperlegible/package.json')),
  'files',
);
const FONTS = {
  regular: path.join(fontDir, 'atkinson-hyperlegible-latin-400-normal.woff'),
  bold: path.join(fontDir, 'atkinson-hyperlegible-latin-700-normal.woff'),
  // Latin Extended-A (Welsh ŵ and ŷ among them) is a file of its own.
  regularExt: path.join(fontDir, 'atkinson-hyperlegible-latin-ext-400-normal.woff'),
  boldExt: path.join(fontDir, 'atkinson-hyperlegible-latin-ext-700-normal.woff'),
};

/** A4 in points, with margins wide enough to hole-punch and pin up. */
const MARGIN = 56;

export interface PdfOptions {
  title: string;
  language: 'en' | 'cy';
  author?: string;
  subject?: string;
  /** Larger type for easy-read documents (body 16 pt instead of 12). */
  easyRead?: boolean;
}

/** A tagged A4 document and the section every element is added to. */
export interface Pdf {
  doc: Doc;
  root: Struct;
  body: number;
}

/** Starts a tagged A4 PDF: title shown in the window, language set, fonts embedded. */
export function createPdf(options: PdfOptions): Pdf {
  const doc = new (pdfkit())({
    size: 'A4',
    margin: MARGIN,
    pdfVersion: '1.7',
    tagged: true,
    displayTitle: true,
    lang: options.language === 'cy' ? 'cy' : 'en-GB',
    info: {
      Title: options.title,
      Author: options.author ?? 'Coproduce',
      Subject: options.subject ?? options.title,
      Creator: 'Coproduce',
    },
    bufferPages: false,
  });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('regular-ext', FONTS.regularExt);
  doc.registerFont('bold-ext', FONTS.boldExt);
  const root = doc.struct('Document');
  doc.addStructure(root);
  return { doc, root, body: options.easyRead ? 16 : 12 };
}

/** Splits text into runs the basic Latin file can draw and runs that need the extended one. */
function runs(text: string): Array<{ ext: boolean; text: string }> {
  const out: Array<{ ext: boolean; text: string }> = [];
  for (const char of text) {
    const ext = (char.codePointAt(0) ?? 0) > 0xff;
    const last = out[out.length - 1];
    if (last && last.ext === ext) last.text += char;
    else out.push({ ext, text: char });
  }
  return out.length ? out : [{ ext: false, text: '' }];
}

/** Writes text in one font family, switching files for Welsh letters, as one line of flow. */
function write(
  doc: Doc,
  text: string,
  weight: 'regular' | 'bold',
  size: number,
  options: PDFKit.Mixins.TextOptions = {},
): void {
  const parts = runs(text);
  parts.forEach((part, i) => {
    doc.font(part.ext ? `${weight}-ext` : weight).fontSize(size);
    doc.text(part.text, { ...options, continued: i < parts.length - 1 });
  });
}

/** A heading (H1 to H3), tagged as such. */
export function heading(pdf: Pdf, text: string, level: 1 | 2 | 3 = 2): void {
  const size = { 1: pdf.body * 2, 2: pdf.body * 1.5, 3: pdf.body * 1.2 }[level];
  pdf.root.add(
    pdf.doc.struct(`H${level}`, {}, () => {
      write(pdf.doc, text, 'bold', size);
    }),
  );
  pdf.doc.moveDown(0.4);
}

/** A paragraph, tagged P. */
export function paragraph(pdf: Pdf, text: string, options: { bold?: boolean } = {}): void {
  pdf.root.add(
    pdf.doc.struct('P', {}, () => {
      write(pdf.doc, text, options.bold ? 'bold' : 'regular', pdf.body, { lineGap: 3 });
    }),
  );
  pdf.doc.moveDown(0.6);
}

/** A bulleted list, tagged L / LI / LBody. */
export function bulletList(pdf: Pdf, items: readonly string[]): void {
  if (items.length === 0) return;
  const list = pdf.doc.struct('L');
  pdf.root.add(list);
  for (const item of items) {
    const li = pdf.doc.struct('LI');
    list.add(li);
    li.add(
      pdf.doc.struct('LBody', {}, () => {
        write(pdf.doc, `•  ${item}`, 'regular', pdf.body, { indent: 0, lineGap: 3 });
      }),
    );
    pdf.doc.moveDown(0.3);
  }
  list.end();
  pdf.doc.moveDown(0.4);
}

/**
 * A table, tagged Table / TR / TH / TD, laid out in equal columns (the first
 * one wider). Its caption is written as a paragraph before it.
 */
export function table(
  pdf: Pdf,
  input: { caption: string; head: readonly string[]; rows: ReadonlyArray<readonly string[]> },
): void {
  const { doc } = pdf;
  paragraph(pdf, input.caption, { bold: true });
  const width = doc.page.width - MARGIN * 2;
  const columns = input.head.length;
  const first = columns > 1 ? width * 0.4 : width;
  const rest = columns > 1 ? (width - first) / (columns - 1) : 0;
  const widths = input.head.map((_, i) => (i === 0 ? first : rest));
  const size = pdf.body - 1;
  const tableStruct = doc.struct('Table');
  pdf.root.add(tableStruct);
  const drawRow = (cells: readonly string[], header: boolean) => {
    doc.font(header ? 'bold' : 'regular').fontSize(size);
    const heights = cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i]! - 6 }));
    const height = Math.max(...heights) + 8;
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
    const top = doc.y;
    const tr = doc.struct('TR');
    tableStruct.add(tr);
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const cellX = x;
      tr.add(
        doc.struct(header ? 'TH' : 'TD', {}, () => {
          // Each cell starts at the row's top: pdfkit flows down, so place it first.
          doc.x = cellX;
          doc.y = top + 4;
          write(doc, cell, header ? 'bold' : 'regular', size, { width: widths[i]! - 6 });
        }),
      );
      x += widths[i]!;
    });
    tr.end();
    doc.y = top + height;
    doc.x = MARGIN;
    doc
      .moveTo(MARGIN, doc.y - 2)
      .lineTo(MARGIN + width, doc.y - 2)
      .lineWidth(0.5)
      .strokeColor('#b1b4b6')
      .stroke();
  };
  drawRow(input.head, true);
  for (const row of input.rows) drawRow(row, false);
  tableStruct.end();
  doc.moveDown(0.8);
}

/** Ends the document and returns its bytes (for tests and for small documents). */
export async function pdfBuffer(pdf: Pdf): Promise<Buffer> {
  const chunks: Buffer[] = [];
  pdf.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => pdf.doc.on('end', () => resolve()));
  pdf.root.end();
  pdf.doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** Ends the document and streams it as a download named `filename` (ASCII, .pdf). */
export function sendPdf(reply: FastifyReply, pdf: Pdf, filename: string): FastifyReply {
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, '-');
  reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `attachment; filename="${safe}"`)
    .header('cache-control', 'private, no-store');
  pdf.root.end();
  pdf.doc.end();
  return reply.send(pdf.doc);
}
