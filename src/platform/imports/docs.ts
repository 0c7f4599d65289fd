import type { ImportKind } from '../manifest.ts';

/**
 * docs/imports.md's generated parts: each kind's column table and the command
 * line's usage, between `<!-- generated: … -->` and `<!-- end generated -->`.
 * The rest of the guide is written by hand. A test fails when the file differs
 * from what the declared columns say; `npm run docs:imports` rewrites it.
 */

/** One kind's columns as a Markdown table, in the template's order. */
export function columnTable(kind: ImportKind): string {
  const cell = (value: string) => value.replace(/\|/g, '\\|');
  const lines = ['| column | required | format | example |', '|---|---|---|---|'];
  for (const column of kind.columns) {
    const required =
      column.name === kind.reference
        ? '**yes**, in every row'
        : column.required === true
          ? '**yes**'
          : typeof column.required === 'string'
            ? column.required
            : '';
    const examples = (column.examples ?? (column.example ? [column.example] : []))
      .map((e) => `\`${e}\``)
      .join(', ');
    const cells = [`\`${column.name}\``, required, column.meaning, examples];
    lines.push(`|${cells.map((c) => (c ? ` ${cell(c)} ` : ' ')).join('|')}|`);
  }
  return lines.join('\n');
}

/** The command line's usage, one line a kind. */
export function commandUsage(kinds: readonly ImportKind[]): string {
  return [
    '```',
    ...kinds.map((k) => `coproduce import ${k.kind} FILE --org SLUG [--dry-run] [--skip-invalid]`),
    '```',
  ].join('\n');
}

/**
 * The guide with its generated parts made anew from the kinds. A marker naming
 * a kind that is not installed is left as it is.
 */
export function renderImportDocs(guide: string, kinds: readonly ImportKind[]): string {
  return guide.replace(
    /(<!-- generated: ([\w-]+)(?: ([\w-]+))? -->\n)[\s\S]*?(\n<!-- end generated -->)/g,
    (whole, open: string, what: string, name: string | undefined, close: string) => {
      if (what === 'usage') return `${open}${commandUsage(kinds)}${close}`;
      const kind = what === 'columns' ? kinds.find((k) => k.kind === name) : undefined;
      return kind ? `${open}${columnTable(kind)}${close}` : whole;
    },
  );
}
