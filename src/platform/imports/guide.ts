import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../views/index.ts';

/**
 * The import guide, docs/imports.md, as a page of the staff area
 * (`/staff/imports/guide`), so that whoever fills in a template can read
 * what each column takes without the source. The file is ours and written in
 * a small part of Markdown: headings, paragraphs, lists, tables, code blocks,
 * `code`, **bold** and links; everything is escaped before it is marked up.
 */
export function renderGuide(markdown: string): string {
  const lines = markdown.split('\n');
  const html: string[] = [];
  let tables = 0;
  let i = 0;
  const isBlock = (line: string) =>
    /^(#{1,4} |```|\||- |\d+\. |<!--)/.test(line) || line.trim() === '';
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('<!--')) {
      i += 1;
      continue;
    }
    const heading = /^(#{1,4}) (.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const size = ['xl', 'l', 'm', 's'][level - 1];
      const text = heading[2]!;
      html.push(
        `<h${level} class="govuk-heading-${size}" id="${slug(text)}">${inline(text)}</h${level}>`,
      );
      i += 1;
      continue;
    }
    if (line.startsWith('```')) {
      const code: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i]!.startsWith('```')) code.push(lines[i++]!);
      i += 1;
      html.push(
        `<pre class="app-guide__code" tabindex="0"><code>${escape(code.join('\n'))}</code></pre>`,
      );
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) {
        const cells = lines[i]!.replace(/^\||\|$/g, '')
          .split(/(?<!\\)\|/)
          .map((c) => c.trim().replace(/\\\|/g, '|'));
        if (!cells.every((c) => /^:?-+:?$/.test(c))) rows.push(cells);
        i += 1;
      }
      tables += 1;
      const [head = [], ...body] = rows;
      const id = `guide-table-${tables}`;
      const caption = html.length ? lastHeading(html) : '';
      html.push(
        `<div class="app-table-region" role="region" aria-labelledby="${id}" tabindex="0">` +
          `<table class="govuk-table"><caption class="govuk-table__caption govuk-visually-hidden" id="${id}">${caption}</caption>` +
          `<thead class="govuk-table__head"><tr class="govuk-table__row">${head.map((c) => `<th scope="col" class="govuk-table__header">${inline(c)}</th>`).join('')}</tr></thead>` +
          `<tbody class="govuk-table__body">${body
            .map(
              (r) =>
                `<tr class="govuk-table__row">${r.map((c) => `<td class="govuk-table__cell">${inline(c)}</td>`).join('')}</tr>`,
            )
            .join('')}</tbody></table></div>`,
      );
      continue;
    }
    const item = /^(- |\d+\. )/.exec(line);
    if (item) {
      const numbered = item[1] !== '- ';
      const items: string[] = [];
      while (i < lines.length && /^(- |\d+\. )/.test(lines[i]!)) {
        let text = lines[i]!.replace(/^(- |\d+\. )/, '');
        i += 1;
        while (i < lines.length && /^ {2,}\S/.test(lines[i]!)) text += ` ${lines[i++]!.trim()}`;
        items.push(`<li>${inline(text)}</li>`);
      }
      const kind = numbered ? 'govuk-list--number' : 'govuk-list--bullet';
      const tag = numbered ? 'ol' : 'ul';
      html.push(`<${tag} class="govuk-list ${kind}">${items.join('')}</${tag}>`);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && !isBlock(lines[i]!)) paragraph.push(lines[i++]!.trim());
    if (paragraph.length === 0) {
      paragraph.push(line.trim());
      i += 1;
    }
    html.push(`<p class="govuk-body">${inline(paragraph.join(' '))}</p>`);
  }
  return html.join('\n');
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The text of the last heading made, for a table's caption. */
function lastHeading(html: string[]): string {
  for (let j = html.length - 1; j >= 0; j -= 1) {
    const match = /^<h\d[^>]*>(.*)<\/h\d>$/.exec(html[j]!);
    if (match) return match[1]!;
  }
  return '';
}

/** `code`, **bold** and [links](href) on escaped text. */
function inline(text: string): string {
  const parts = text.split(/(`[^`]*`)/);
  return parts
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1)
        return `<code>${escape(part.slice(1, -1))}</code>`;
      return escape(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, href: string) => {
          const safe = /^(https?:\/\/|\/|#)/.test(href) ? href : '#';
          return `<a class="govuk-link" href="${safe}">${label}</a>`;
        });
    })
    .join('');
}

let cached: string | null = null;

/** The guide as HTML, read from docs/imports.md once. */
export function importGuideHtml(): string {
  // Up to the part written for developers ("Adding an import kind").
  const markdown = readFileSync(path.join(ROOT, 'docs/imports.md'), 'utf8');
  const cut = markdown.indexOf('\n## Adding an import kind');
  cached ??= renderGuide(cut > 0 ? markdown.slice(0, cut) : markdown);
  return cached;
}
