import Papa from 'papaparse';
import { po, type PoData, type PoEntry } from 'gettext-parser';
import type { Language } from '../../platform/i18n/index.ts';
import type { InterfaceString } from './catalogue.ts';

/** A row of an export: the string, where it is used, and its current translation. */
export interface ExportRow extends InterfaceString {
  translation: string;
}

export const CSV_COLUMNS = ['key', 'english', 'component', 'pages', 'welsh'] as const;

/**
 * A PO file (gettext), which Poedit, Weblate, Crowdin and memoQ read: one
 * entry a string, msgctxt the key (so two strings with the same English stay
 * apart), msgid the English, msgstr the translation (empty when there is
 * none), the component as a comment for the translator and the files that
 * use the string as references.
 */
export function toPo(rows: readonly ExportRow[], language: Language, organisation: string): Buffer {
  const translations: PoData['translations'] = {
    '': { '': { msgid: '', msgstr: [''] } },
  };
  for (const row of rows) {
    const entry: PoEntry = {
      msgctxt: row.key,
      msgid: row.english,
      msgstr: [row.translation],
      comments: {
        extracted: `component: ${row.component}`,
        reference: row.pages.join('\n'),
      },
    };
    translations[row.key] = { [row.english]: entry };
  }
  return po.compile(
    {
      charset: 'utf-8',
      headers: {
        'Project-Id-Version': `Coproduce (${organisation})`,
        Language: language,
        'MIME-Version': '1.0',
        'Content-Type': 'text/plain; charset=UTF-8',
        'Content-Transfer-Encoding': '8bit',
        'X-Generator': 'Coproduce translations export',
      },
      translations,
    },
    { foldLength: 0 },
  );
}

/** The same columns as CSV (papaparse), for a spreadsheet. */
export function toCsv(rows: readonly ExportRow[]): string {
  return Papa.unparse({
    fields: [...CSV_COLUMNS],
    data: rows.map((r) => [r.key, r.english, r.component, r.pages.join('; '), r.translation]),
  });
}

/** An entry read back from a file, with the line it starts on. */
export interface ReadEntry {
  line: number;
  key: string;
  text: string;
}

export interface ReadProblem {
  line: number;
  key: string;
  problem: 'unknownKey' | 'noKey' | 'empty' | 'placeholders' | 'markup' | 'repeated' | 'unreadable';
  /** For placeholders: the ones the English has. */
  detail?: string;
}

export interface ReadFile {
  entries: ReadEntry[];
  problems: ReadProblem[];
  /** Entries a translator marked as needing work (fuzzy): left as they are. */
  fuzzy: number;
}

/** PO when the text looks like one (msgid lines), else CSV. */
export function looksLikePo(text: string): boolean {
  return /^\s*msgid\s+"/m.test(text);
}

/** Reads a PO file's entries, each with the line its msgctxt (or msgid) is on. */
export function readPo(text: string): ReadFile {
  const problems: ReadProblem[] = [];
  let data: PoData;
  try {
    data = po.parse(text, { validation: false });
  } catch (error) {
    const line = /line (\d+)/i.exec((error as Error).message)?.[1];
    return {
      entries: [],
      problems: [{ line: Number(line ?? 1), key: '', problem: 'unreadable' }],
      fuzzy: 0,
    };
  }
  // Where each entry starts: gettext-parser does not say, so read the lines once.
  const lines = text.split(/\r?\n/);
  const ctxLine = new Map<string, number>();
  const idLine = new Map<string, number>();
  const unquote = (s: string) => {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  };
  lines.forEach((line, i) => {
    const ctx = /^msgctxt\s+(".*")\s*$/.exec(line);
    if (ctx && !ctxLine.has(unquote(ctx[1]!))) ctxLine.set(unquote(ctx[1]!), i + 1);
    const id = /^msgid\s+(".*")\s*$/.exec(line);
    if (id && !idLine.has(unquote(id[1]!))) idLine.set(unquote(id[1]!), i + 1);
  });
  const entries: ReadEntry[] = [];
  let fuzzy = 0;
  for (const [context, byId] of Object.entries(data.translations)) {
    for (const [msgid, entry] of Object.entries(byId)) {
      if (context === '' && msgid === '') continue; // the header
      const line = ctxLine.get(context) ?? idLine.get(msgid) ?? 1;
      if (!entry.msgctxt) {
        problems.push({ line, key: msgid, problem: 'noKey' });
        continue;
      }
      if (/\bfuzzy\b/.test(entry.comments?.flag ?? '')) {
        fuzzy += 1;
        continue;
      }
      entries.push({ line, key: entry.msgctxt, text: entry.msgstr[0] ?? '' });
    }
  }
  entries.sort((a, b) => a.line - b.line);
  return { entries, problems, fuzzy };
}

/** Reads a CSV with at least the key and welsh columns; lines count from the header's 1. */
export function readCsv(text: string): ReadFile {
  const entries: ReadEntry[] = [];
  const problems: ReadProblem[] = [];
  const body = text.replace(/^\uFEFF/, '').replace(/(\r?\n)+$/, '');
  let start = 0;
  let fields: string[] | null = null;
  // Lines counted as the rows go by (a quoted cell may hold line breaks).
  let counted = 0;
  let countedLine = 1;
  const lineAt = (offset: number) => {
    for (; counted < offset && counted < body.length; counted += 1)
      if (body.charCodeAt(counted) === 10) countedLine += 1;
    return countedLine;
  };
  Papa.parse<string[]>(body, {
    skipEmptyLines: false,
    step(result) {
      const row = result.data;
      const line = lineAt(start);
      start = result.meta.cursor;
      if (body[start] === '\r') start += 1;
      if (body[start] === '\n') start += 1;
      if (!fields) {
        fields = row.map((f) => f.trim().toLowerCase());
        return;
      }
      if (row.length === 1 && row[0] === '') return;
      const keyAt = fields.indexOf('key');
      const textAt = fields.indexOf('welsh');
      if (keyAt < 0 || textAt < 0) {
        problems.push({ line: 1, key: '', problem: 'unreadable' });
        return;
      }
      entries.push({ line, key: (row[keyAt] ?? '').trim(), text: row[textAt] ?? '' });
    },
  });
  if (!fields) problems.push({ line: 1, key: '', problem: 'unreadable' });
  return { entries, problems: dedupe(problems), fuzzy: 0 };
}

const dedupe = (problems: ReadProblem[]) =>
  problems.filter(
    (p, i) => problems.findIndex((q) => q.line === p.line && q.problem === p.problem) === i,
  );

const PLACEHOLDER = /\{\{\s*-?\s*([^}]+?)\s*\}\}/g;
const TAG = /<\/?[a-zA-Z][^>]*>/g;
const sorted = (text: string, pattern: RegExp) =>
  [...text.matchAll(pattern)].map((m) => m[0].replace(/\s+/g, '')).sort();

/**
 * Checks what a file would change: every key an interface string, each
 * translation with exactly the English's placeholders ({{name}}) and markup,
 * a translation that is only spaces refused as empty. An empty translation
 * is a string not translated yet (as a translation tool writes it) and
 * changes nothing, so an export imported back as it is keeps everything.
 */
export function checkEntries(
  file: ReadFile,
  strings: ReadonlyMap<string, InterfaceString>,
): { problems: ReadProblem[]; entries: ReadEntry[] } {
  const problems = [...file.problems];
  const entries: ReadEntry[] = [];
  const seen = new Set<string>();
  for (const entry of file.entries) {
    const string = strings.get(entry.key);
    if (!string) {
      problems.push({
        line: entry.line,
        key: entry.key,
        problem: entry.key ? 'unknownKey' : 'noKey',
      });
      continue;
    }
    if (seen.has(entry.key)) {
      problems.push({ line: entry.line, key: entry.key, problem: 'repeated' });
      continue;
    }
    seen.add(entry.key);
    if (entry.text === '') continue;
    if (entry.text.trim() === '') {
      problems.push({ line: entry.line, key: entry.key, problem: 'empty' });
      continue;
    }
    const wanted = sorted(string.english, PLACEHOLDER);
    if (wanted.join('|') !== sorted(entry.text, PLACEHOLDER).join('|')) {
      problems.push({
        line: entry.line,
        key: entry.key,
        problem: 'placeholders',
        detail: wanted.length ? wanted.join(' ') : '—',
      });
      continue;
    }
    if (sorted(string.english, TAG).join('|') !== sorted(entry.text, TAG).join('|')) {
      problems.push({ line: entry.line, key: entry.key, problem: 'markup' });
      continue;
    }
    entries.push(entry);
  }
  problems.sort((a, b) => a.line - b.line);
  return { problems, entries };
}
