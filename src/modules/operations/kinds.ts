/**
 * The six kinds of operational record (issue 14 §1), each declared once: its
 * columns (the import's and the form's fields alike), what each holds, and
 * the rules between them. The import kinds, the forms, the lists and the
 * record pages are all made from these declarations, so the file and the form
 * say the same thing about a record.
 */

export const KINDS = [
  'recruitment',
  'audits',
  'complaints',
  'repairs',
  'volunteer-obligations',
  'asb-cases',
] as const;
export type OperationsKind = (typeof KINDS)[number];

export function isKind(value: unknown): value is OperationsKind {
  return (KINDS as readonly unknown[]).includes(value);
}

export const AUDIT_TYPES = [
  'standard',
  'thematic',
  'implementation',
  'follow_up',
  'regulatory',
  'retender',
] as const;
/** Audit types the quality-checker KPI leaves out (seed 000 §13.1, issue 14 §3). */
export const AUDIT_TYPES_LEFT_OUT = ['implementation', 'follow_up', 'regulatory', 'retender'];
export const RATINGS = ['outstanding', 'good', 'requires_improvement', 'inadequate'] as const;
/** The ratings a poster may show (seed 000 §6, footnote 1). */
export const RATINGS_SHOWN = ['outstanding', 'good'];
export const PRIORITIES = ['emergency', 'non_emergency'] as const;
export const STAGES = ['1', '2', '3'] as const;
export const TENURES = ['LCRA', 'LCHO'] as const;

export type FieldType =
  'text' | 'lines' | 'date' | 'count' | 'choice' | 'involvement' | 'service' | 'person' | 'yesno';

export interface FieldSpec {
  /** The column in the file and the field in the form. */
  name: string;
  /** The table's column. */
  column: string;
  type: FieldType;
  required?: boolean;
  choices?: readonly string[];
  /** What it holds, in the words of docs/imports.md. */
  meaning: string;
  example: string;
  examples?: string[];
}

/** A record's values by table column: text, ISO dates, numbers, booleans, code lists. */
export type Values = Record<string, string | number | boolean | string[] | null>;

/** A problem with one field: the field (file column / form field) and a reason. */
export interface Problem {
  column: string;
  reason: string;
}

export interface KindSpec {
  kind: OperationsKind;
  table: string;
  /** The named-link kind of its records, where others may link to them. */
  linkKind: string | null;
  fields: readonly FieldSpec[];
  /** Complaints are one row per stage: the reference and the stage make a record. */
  staged?: boolean;
  /** The date a list sorts by and its period filter reads. */
  dateColumn: string;
  /** Rules between fields, once each field is read. */
  check?(values: Values, problems: Problem[]): void;
}

const ISO = '`YYYY-MM-DD`';
const reference: FieldSpec = {
  name: 'reference',
  column: 'reference',
  type: 'text',
  required: true,
  meaning: "the source system's own reference; unique within the file",
  example: 'REF-0001',
};
const service = (required: boolean): FieldSpec => ({
  name: 'service_code',
  column: 'service_id',
  type: 'service',
  required,
  meaning: "the code of one of the organisation's services (the Services page); any case",
  example: 'MH-BRI',
});
const personReference: FieldSpec = {
  name: 'person_reference',
  column: 'person_id',
  type: 'person',
  meaning:
    'optional: the reference of the person on the register, so a triggered survey can reach them',
  example: '',
  examples: ['HMS-001234'],
};

/** A date not before another, when both are there. */
function notBefore(values: Values, later: string, earlier: string, problems: Problem[]) {
  const a = values[later];
  const b = values[earlier];
  if (typeof a === 'string' && typeof b === 'string' && a < b)
    problems.push({ column: later, reason: `ops_order_${earlier}` });
}

export const SPECS: Record<OperationsKind, KindSpec> = {
  recruitment: {
    kind: 'recruitment',
    table: 'recruitments',
    linkKind: 'operations.recruitment',
    dateColumn: 'opened_on',
    fields: [
      { ...reference, example: 'REC-2019-014' },
      {
        name: 'title',
        column: 'title',
        type: 'text',
        required: true,
        meaning: 'the post recruited to',
        example: 'Support worker',
      },
      service(false),
      {
        name: 'opened_on',
        column: 'opened_on',
        type: 'date',
        required: true,
        meaning: `${ISO}: when the recruitment opened`,
        example: '2019-05-01',
      },
      {
        name: 'closed_on',
        column: 'closed_on',
        type: 'date',
        meaning: `${ISO}, not before \`opened_on\`; blank while it is open. The KPI counts recruitments by this date`,
        example: '2019-06-14',
      },
      {
        name: 'involvement',
        column: 'involvement',
        type: 'involvement',
        meaning:
          "the items of the organisation's involvement menu used, `;`-separated (set under Operations settings); blank for none",
        example: 'interview_panel;question_setting',
        examples: ['interview_panel;question_setting;shortlisting;informal_meeting'],
      },
    ],
    check: (v, p) => notBefore(v, 'closed_on', 'opened_on', p),
  },
  audits: {
    kind: 'audits',
    table: 'quality_audits',
    linkKind: 'operations.audit',
    dateColumn: 'completed_on',
    fields: [
      { ...reference, example: 'QA-2019-031' },
      service(true),
      {
        name: 'audit_type',
        column: 'audit_type',
        type: 'choice',
        required: true,
        choices: AUDIT_TYPES,
        meaning: `one of ${AUDIT_TYPES.map((t) => `\`${t}\``).join(', ')}`,
        example: 'standard',
      },
      {
        name: 'completed_on',
        column: 'completed_on',
        type: 'date',
        required: true,
        meaning: ISO,
        example: '2019-07-10',
      },
      {
        name: 'rating',
        column: 'rating',
        type: 'choice',
        choices: RATINGS,
        meaning: `one of ${RATINGS.map((t) => `\`${t}\``).join(', ')}; blank when not rated`,
        example: 'good',
      },
      {
        name: 'customer_quality_checkers',
        column: 'customer_quality_checkers',
        type: 'count',
        required: true,
        meaning: 'how many customer quality checkers were on the audit team, a whole number',
        example: '1',
      },
      {
        name: 'strengths',
        column: 'strengths',
        type: 'lines',
        meaning: 'what the service does well, `;`-separated: the poster lists them',
        example: 'Warm welcome;Clear menus',
      },
    ],
  },
  complaints: {
    kind: 'complaints',
    table: 'complaint_stages',
    linkKind: 'operations.complaint',
    staged: true,
    dateColumn: 'received_on',
    fields: [
      {
        ...reference,
        meaning:
          "the complaint's reference in the source system: the same on each of its stages (a row is a stage of a complaint)",
        example: 'C-2019-0042',
      },
      {
        name: 'stage',
        column: 'stage',
        type: 'choice',
        required: true,
        choices: STAGES,
        meaning: '`1`, `2` or `3` (a third, panel stage); once a file for each reference',
        example: '1',
      },
      {
        name: 'received_on',
        column: 'received_on',
        type: 'date',
        required: true,
        meaning: `${ISO}: when the complaint (or the request to escalate it) was received`,
        example: '2019-12-16',
      },
      {
        name: 'acknowledged_on',
        column: 'acknowledged_on',
        type: 'date',
        meaning: `${ISO}, not before \`received_on\`; blank if not recorded`,
        example: '2019-12-18',
      },
      {
        name: 'responded_on',
        column: 'responded_on',
        type: 'date',
        meaning: `${ISO}, not before \`received_on\`; blank until the response is sent`,
        example: '2020-01-06',
      },
      {
        name: 'extended_to',
        column: 'extended_to',
        type: 'date',
        meaning: `${ISO}: the extended deadline agreed, if any`,
        example: '',
        examples: ['2020-01-10'],
      },
      {
        name: 'feedback_offered_on',
        column: 'feedback_offered_on',
        type: 'date',
        meaning: `${ISO}: when the complainant was offered a chance to give feedback on how the complaint was handled`,
        example: '2020-01-06',
      },
      {
        name: 'panel_customer_reps',
        column: 'panel_customer_reps',
        type: 'count',
        meaning: 'stage 3: how many customer representatives sat on the panel, a whole number',
        example: '',
        examples: ['2'],
      },
      service(false),
      personReference,
    ],
    check: (v, p) => {
      notBefore(v, 'acknowledged_on', 'received_on', p);
      notBefore(v, 'responded_on', 'received_on', p);
      notBefore(v, 'extended_to', 'received_on', p);
    },
  },
  repairs: {
    kind: 'repairs',
    table: 'repairs',
    linkKind: 'operations.repair',
    dateColumn: 'reported_on',
    fields: [
      { ...reference, example: 'R-0000123' },
      service(false),
      {
        name: 'priority',
        column: 'priority',
        type: 'choice',
        required: true,
        choices: PRIORITIES,
        meaning: '`emergency` or `non_emergency`',
        example: 'non_emergency',
      },
      {
        name: 'reported_on',
        column: 'reported_on',
        type: 'date',
        required: true,
        meaning: ISO,
        example: '2019-09-02',
      },
      {
        name: 'target_on',
        column: 'target_on',
        type: 'date',
        required: true,
        meaning: `${ISO}, not before \`reported_on\`: the landlord's own target for this repair`,
        example: '2019-09-30',
      },
      {
        name: 'completed_on',
        column: 'completed_on',
        type: 'date',
        meaning: `${ISO}, not before \`reported_on\`; blank until done`,
        example: '2019-09-20',
      },
      {
        name: 'feedback_requested_on',
        column: 'feedback_requested_on',
        type: 'date',
        meaning: `${ISO}: when the customer or staff were asked for feedback on the repair`,
        example: '2019-09-21',
      },
      personReference,
    ],
    check: (v, p) => {
      notBefore(v, 'target_on', 'reported_on', p);
      notBefore(v, 'completed_on', 'reported_on', p);
    },
  },
  'volunteer-obligations': {
    kind: 'volunteer-obligations',
    table: 'volunteer_obligations',
    linkKind: null,
    dateColumn: 'period_end',
    fields: [
      { ...reference, example: 'PSV-2019-Q4-BRI' },
      service(true),
      {
        name: 'period_start',
        column: 'period_start',
        type: 'date',
        required: true,
        meaning: ISO,
        example: '2020-01-01',
      },
      {
        name: 'period_end',
        column: 'period_end',
        type: 'date',
        required: true,
        meaning: `${ISO}, not before \`period_start\`. The KPI counts obligations by this date`,
        example: '2020-03-31',
      },
      {
        name: 'required',
        column: 'required',
        type: 'count',
        required: true,
        meaning: 'what the contract requires (placements or hours), a whole number',
        example: '120',
      },
      {
        name: 'delivered',
        column: 'delivered',
        type: 'count',
        required: true,
        meaning: 'what was delivered, in the same unit, a whole number',
        example: '104',
      },
    ],
    check: (v, p) => notBefore(v, 'period_end', 'period_start', p),
  },
  'asb-cases': {
    kind: 'asb-cases',
    table: 'asb_cases',
    linkKind: null,
    dateColumn: 'opened_on',
    fields: [
      { ...reference, example: 'ASB-2019-007' },
      {
        name: 'opened_on',
        column: 'opened_on',
        type: 'date',
        required: true,
        meaning: ISO,
        example: '2019-10-03',
      },
      {
        name: 'hate_incident',
        column: 'hate_incident',
        type: 'yesno',
        meaning: '`yes` when the case involves a hate incident, else `no` (blank is no)',
        example: 'no',
      },
    ],
  },
};

/** What a list of codes in a cell is: `;`-separated, trimmed, empties dropped. */
export function splitCell(value: string): string[] {
  return value
    .split(';')
    .map((v) => v.trim())
    .filter(Boolean);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether YYYY-MM-DD names a real calendar date between 1900 and 2100. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

/** What one record is checked against: the services by code, the menu, the people by reference. */
export interface CheckContext {
  services: ReadonlyMap<string, string>;
  involvementMenu: ReadonlySet<string>;
  personId(reference: string): string | null;
}

/** A cell as a record holds it: trimmed, runs of spaces and tabs made one space. */
const tidy = (value: string | undefined) => {
  const trimmed = (value ?? '').trim();
  return trimmed.includes('  ') || trimmed.includes('\t')
    ? trimmed.replace(/[ \t]+/g, ' ')
    : trimmed;
};

const YES_NO = new Set(['', 'yes', 'no', 'y', 'n', 'true', 'false']);
const YES = new Set(['yes', 'y', 'true']);
const COUNT = /^\d{1,7}$/;

/** Reads one tidied, non-empty cell of a field into values, or says what is wrong with it. */
type ReadCell = (raw: string, values: Values, problems: Problem[]) => void;

/** The reader of a field's non-empty cell, chosen once a file rather than once a row. */
function cellReader(field: FieldSpec, context: CheckContext): ReadCell {
  const { name, column } = field;
  switch (field.type) {
    case 'text':
      return (raw, values, problems) => {
        if (raw.length > 200) problems.push({ column: name, reason: 'ops_tooLong' });
        values[column] = raw;
      };
    case 'date':
      return (raw, values, problems) => {
        const good = isIsoDate(raw);
        if (!good) problems.push({ column: name, reason: 'ops_date' });
        values[column] = good ? raw : null;
      };
    case 'count':
      return (raw, values, problems) => {
        const good = COUNT.test(raw);
        if (!good) problems.push({ column: name, reason: 'ops_count' });
        values[column] = good ? Number(raw) : null;
      };
    case 'choice': {
      const choices = new Set(field.choices);
      const upper = name === 'tenure';
      const numeric = name === 'stage';
      return (raw, values, problems) => {
        const code = upper ? raw.toUpperCase() : raw.toLowerCase();
        if (!choices.has(code)) problems.push({ column: name, reason: 'ops_choice' });
        values[column] = numeric ? Number(code) : code;
      };
    }
    case 'service':
      return (raw, values, problems) => {
        const id = context.services.get(raw.toLowerCase()) ?? null;
        if (!id) problems.push({ column: name, reason: 'unknownService' });
        values[column] = id;
      };
    case 'person':
      return (raw, values, problems) => {
        const id = context.personId(raw);
        if (!id) problems.push({ column: name, reason: 'ops_person' });
        values[column] = id;
      };
    default:
      throw new Error(`A ${field.type} field is read whether empty or not`);
  }
}

/** Reads one tidied cell of a field, empty or not, into values. */
function fieldReader(field: FieldSpec, context: CheckContext): ReadCell {
  const { name, column } = field;
  switch (field.type) {
    case 'yesno':
      return (raw, values, problems) => {
        const answer = raw.toLowerCase();
        if (!YES_NO.has(answer)) problems.push({ column: name, reason: 'yesNo' });
        values[column] = YES.has(answer);
      };
    case 'involvement':
      return (raw, values, problems) => {
        const codes = [...new Set(splitCell(raw).map((c) => c.toLowerCase()))];
        if (codes.some((c) => !context.involvementMenu.has(c)))
          problems.push({ column: name, reason: 'ops_involvement' });
        values[column] = codes;
      };
    case 'lines':
      return (raw, values) => {
        values[column] = splitCell(raw.replace(/\r?\n/g, ';')).join('\n');
      };
    default: {
      const read = cellReader(field, context);
      const required = field.required === true;
      return (raw, values, problems) => {
        if (raw) read(raw, values, problems);
        else {
          if (required) problems.push({ column: name, reason: 'required' });
          values[column] = null;
        }
      };
    }
  }
}

/**
 * The reader of a kind's records against one context, made once and used
 * for every row of a file: it reads one record's fields (as a file's cells
 * or a form's answers, dates already ISO), pushing a problem for each field
 * that is wrong, and returns the values by table column. The reference is
 * the pipeline's to check.
 */
export function recordReader(
  spec: KindSpec,
  context: CheckContext,
): (cells: Record<string, string | undefined>, problems: Problem[]) => Values {
  const fields = spec.fields.map((field) => ({
    name: field.name,
    read: fieldReader(field, context),
  }));
  return (cells, problems) => {
    const values: Values = {};
    for (const { name, read } of fields) read(tidy(cells[name]), values, problems);
    spec.check?.(values, problems);
    return values;
  };
}

/** Reads one record's fields (a form's answers): see recordReader. */
export function readRecord(
  spec: KindSpec,
  cells: Record<string, string | undefined>,
  context: CheckContext,
  problems: Problem[],
): Values {
  return recordReader(spec, context)(cells, problems);
}

/** Whether two stored values are the same (arrays by their items). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
