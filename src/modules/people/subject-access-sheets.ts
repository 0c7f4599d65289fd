import type { SheetSource } from '../../platform/spreadsheets/index.ts';

/**
 * A subject access export (rights.ts, subjectAccessExport) as the worksheets
 * of a spreadsheet, for people who cannot open a JSON file: each list a sheet
 * with a row for each entry and a column for each field, each record a sheet
 * of fields and values, the file's own facts first. The same data as the
 * JSON, laid out to read; field names are the export's, in words.
 */
export function subjectAccessSheets(data: Record<string, unknown>): SheetSource[] {
  const sheets: SheetSource[] = [];
  const used = new Set<string>();
  const nameOf = (path: string[]): string => {
    const base =
      fieldName(path.join(' '))
        .replace(/[[\]:*?/\\]/g, ' ')
        .slice(0, 31) || 'Sheet';
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n += 1) name = `${base.slice(0, 27)} (${n})`;
    used.add(name.toLowerCase());
    return name;
  };

  const add = (path: string[], value: unknown): void => {
    if (Array.isArray(value)) {
      if (value.length > 0 && value.every(isRecord)) {
        const keys = [...new Set(value.flatMap((entry) => Object.keys(entry)))];
        sheets.push({
          name: nameOf(path),
          header: keys.map(fieldName),
          rows: value.map((entry) => keys.map((key) => cell(entry[key]))),
        });
      } else {
        sheets.push({
          name: nameOf(path),
          header: [fieldName(path[path.length - 1] ?? 'value')],
          rows: value.map((entry) => [cell(entry)]),
        });
      }
      return;
    }
    if (!isRecord(value)) {
      sheets.push({
        name: nameOf(path),
        header: ['Field', 'Value'],
        rows: [[fieldName(path[path.length - 1] ?? ''), cell(value)]],
      });
      return;
    }
    const fields = Object.entries(value).filter(([, v]) => !isNested(v));
    if (fields.length > 0)
      sheets.push({
        name: nameOf(path),
        header: ['Field', 'Value'],
        rows: fields.map(([key, v]) => [fieldName(key), cell(v)]),
      });
    for (const [key, v] of Object.entries(value)) if (isNested(v)) add([...path, key], v);
  };

  const about = Object.entries(data).filter(([, v]) => !isNested(v));
  sheets.push({
    name: nameOf(['about this file']),
    header: ['Field', 'Value'],
    rows: about.map(([key, v]) => [fieldName(key), cell(v)]),
  });
  for (const [key, value] of Object.entries(data)) if (isNested(value)) add([key], value);
  return sheets;
}

/** "firstName" or "first_name" as "First name". */
export function fieldName(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

/** A list or a record: a sheet of its own rather than a cell. */
function isNested(value: unknown): boolean {
  return Array.isArray(value)
    ? value.some((v) => typeof v === 'object' && v !== null) || value.length > 1
    : isRecord(value);
}

/** A cell: dates, numbers, text and yes/no as they are; a short list joined; anything deeper as JSON. */
function cell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value))
    return value.every((v) => v === null || typeof v !== 'object')
      ? value.join('; ')
      : JSON.stringify(value);
  if (isRecord(value)) return JSON.stringify(value);
  return value;
}
