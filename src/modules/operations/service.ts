import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/audit/index.ts';
import { todayInLondon } from '../../platform/calendar/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import {
  dateInputValues,
  problemOnUnique,
  readDateInput,
  type FieldProblem,
} from '../../platform/forms/index.ts';
import type { Translator } from '../../platform/i18n/index.ts';
import { eventsOf } from './events.ts';
import { readRecord, type KindSpec, type Problem, type Values } from './kinds.ts';
import { raiseOperationsEvents } from './raise.ts';
import { loadCheckContext, saveRecord, type StoredRecord } from './store.ts';

/**
 * A record's form (issue 14 §1): the same fields and rules as the import,
 * with GOV.UK date inputs, and problems that name the field.
 */

/** What the form shows: each field as typed (dates as three boxes). */
export type FormValues = Record<string, string | string[]>;

/** The message key of a problem on the form (the import says the same under imports.problems). */
function formKey(reason: string): string {
  return `operations.errors.${reason}`;
}

export interface ReadForm {
  reference: string;
  values: Values;
  typed: FormValues;
  problems: FieldProblem[];
}

/** Reads and checks a record's form. */
export async function readRecordForm(
  tx: Queryable,
  spec: KindSpec,
  body: Record<string, unknown>,
  tr: Translator,
): Promise<ReadForm> {
  const problems: FieldProblem[] = [];
  const cells: Record<string, string> = {};
  const typed: FormValues = {};
  const label = (name: string) => tr.text(`operations.fields.${name}`).toLowerCase();
  for (const field of spec.fields) {
    const raw = body[field.name];
    if (field.type === 'date') {
      const date = readDateInput(body, field.name, {
        required: Boolean(field.required),
        label: label(field.name),
      });
      Object.assign(typed, date.values);
      if (date.problem) problems.push(date.problem);
      cells[field.name] = date.iso ?? '';
    } else if (field.type === 'involvement') {
      const codes = (Array.isArray(raw) ? raw : [raw]).filter(
        (v): v is string => typeof v === 'string',
      );
      typed[field.name] = codes;
      cells[field.name] = codes.join(';');
    } else {
      const value = typeof raw === 'string' ? raw : '';
      typed[field.name] = value;
      cells[field.name] = value;
    }
  }
  const context = await loadCheckContext(tx, { people: cells.person_reference?.trim() || null });
  const found: Problem[] = [];
  const values = readRecord(spec, cells, context, found);
  const dateFields = new Set(spec.fields.filter((f) => f.type === 'date').map((f) => f.name));
  const selects = new Set(
    spec.fields.filter((f) => f.type === 'choice' || f.type === 'service').map((f) => f.name),
  );
  for (const p of found)
    problems.push({
      field: p.column,
      // A list to choose from says "Select", as the GOV.UK pattern does.
      key: formKey(p.reason === 'required' && selects.has(p.column) ? 'ops_choice' : p.reason),
      vars: { label: label(p.column) },
      ...(dateFields.has(p.column) ? { href: `${p.column}-day` } : {}),
    });
  return { reference: (cells.reference ?? '').trim(), values, typed, problems };
}

/** The form's boxes for a stored record. */
export async function formValuesOf(
  tx: Queryable,
  spec: KindSpec,
  record: StoredRecord,
  serviceCodes: ReadonlyMap<string, string>,
): Promise<FormValues> {
  const typed: FormValues = { reference: record.reference };
  const personIds = spec.fields.some((f) => f.type === 'person') && record.values.person_id;
  const people = personIds ? await personReferences(tx, [String(record.values.person_id)]) : null;
  for (const field of spec.fields) {
    if (field.name === 'reference') continue;
    const value = record.values[field.column];
    if (field.type === 'date')
      Object.assign(typed, dateInputValues(field.name, value as string | null));
    else if (field.type === 'involvement') typed[field.name] = (value as string[]) ?? [];
    else if (field.type === 'service') typed[field.name] = serviceCodes.get(String(value)) ?? '';
    else if (field.type === 'person') typed[field.name] = people?.get(String(value)) ?? '';
    else if (field.type === 'yesno') typed[field.name] = value ? 'yes' : 'no';
    else typed[field.name] = value === null || value === undefined ? '' : String(value);
  }
  return typed;
}

/** The register references of some people, by id (the register's published view). */
export async function personReferences(
  tx: Queryable,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = rowsOf<{ id: string; reference: string | null }>(
    await tx.execute(
      sql`select id, reference from register_people where id = any(${uuidArray(ids)})`,
    ),
  );
  return new Map(rows.map((r) => [r.id, r.reference ?? '']));
}

/**
 * Saves the form's record and raises the event it comes to (a response
 * recorded, a repair completed, an interview panel used); a reference
 * already taken comes back as the reference field's problem.
 */
export async function saveRecordForm(
  db: <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>,
  actor: Actor,
  spec: KindSpec,
  existing: StoredRecord | null,
  form: ReadForm,
  organisationId: string,
): Promise<{ ok: true; id: string } | { ok: false; problem: FieldProblem }> {
  const result = await problemOnUnique(
    () =>
      db(async (tx) => {
        const id = await saveRecord(tx, actor, spec, existing, form.reference, form.values);
        if (spec.linkKind)
          await raiseOperationsEvents(
            tx,
            eventsOf(
              spec,
              [
                {
                  id,
                  reference: form.reference,
                  before: existing?.values ?? null,
                  after: form.values,
                },
              ],
              { organisationId, today: todayInLondon() },
            ),
          );
        return id;
      }),
    {
      [`${spec.table}_reference_idx`]: {
        field: 'reference',
        key: spec.staged ? 'operations.errors.stageTaken' : 'operations.errors.referenceTaken',
      },
    },
  );
  return result.ok ? { ok: true, id: result.value } : result;
}
