import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import { can, guard } from '../../platform/auth/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { formErrors, type FieldProblem } from '../../platform/forms/index.ts';
import { withShapes } from '../../platform/forms/schema.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { UUID, notFound } from '../../platform/http/params.ts';
import { forPage, translator, type Translator } from '../../platform/i18n/index.ts';
import { financialYear } from '../../platform/periods/index.ts';
import { readOwnSettings } from '../../platform/tenancy/index.ts';
import {
  readModuleSettings,
  updateModuleSettings,
} from '../../platform/tenancy/module-settings.ts';
import { formatDate } from '../../platform/views/index.ts';
import { listServices } from '../people/index.ts';

type ServiceListRow = Awaited<ReturnType<typeof listServices>>[number];
import {
  KINDS,
  RATINGS_SHOWN,
  SPECS,
  isKind,
  type FieldSpec,
  type KindSpec,
  type OperationsKind,
  type Values,
} from './kinds.ts';
import { responseDeadline } from './measures.ts';
import { auditPoster } from './poster.ts';
import { sendPosterPdf } from './poster-pdf.ts';
import {
  AuditParams,
  KindParams,
  ListQuery,
  MenuForm,
  MenuQuery,
  RecordForm,
  RecordParams,
  ShowQuery,
} from './schemas.ts';
import {
  formValuesOf,
  personReferences,
  readRecordForm,
  saveRecordForm,
  type FormValues,
} from './service.ts';
import { operationsSettings } from './settings.ts';
import {
  PAGE_SIZE,
  deleteRecord,
  listRecords,
  recordById,
  stagesOf,
  type StoredRecord,
} from './store.ts';

/** The kind a URL names, or a 404. */
function kindOf(name: string): KindSpec {
  if (!isKind(name)) throw notFound();
  return SPECS[name];
}

/** A record of the kind by id within the organisation, or a 404. */
async function recordOr404(tx: Queryable, spec: KindSpec, id: string): Promise<StoredRecord> {
  if (!UUID.test(id)) throw notFound();
  const record = await recordById(tx, spec, id);
  if (!record) throw notFound();
  return record;
}

interface Lookups {
  services: ServiceListRow[];
  menu: Array<{ code: string; label: string }>;
}

async function lookups(tx: Queryable): Promise<Lookups> {
  const [services, settings] = await Promise.all([
    listServices(tx),
    readModuleSettings(tx, null, operationsSettings),
  ]);
  return { services, menu: settings.involvementMenu };
}

/** A stored value as the reader sees it. */
function shown(
  field: FieldSpec,
  value: Values[string] | undefined,
  context: { tr: Translator; language: string; lookups: Lookups; people: Map<string, string> },
): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.type) {
    case 'date':
      return formatDate(value, context.language, false);
    case 'choice':
      return field.name === 'stage'
        ? String(value)
        : context.tr.text(`operations.choices.${String(value)}`);
    case 'service':
      return context.lookups.services.find((s) => s.id === value)?.name ?? '';
    case 'person':
      return context.people.get(String(value)) ?? '';
    case 'yesno':
      return context.tr.text(value ? 'operations.yes' : 'operations.no');
    case 'involvement':
      return (value as string[])
        .map((code) => context.lookups.menu.find((m) => m.code === code)?.label ?? code)
        .join(', ');
    default:
      return String(value);
  }
}

/** The fields a list shows: all but long text and the person. */
const listed = (spec: KindSpec) =>
  spec.fields.filter((f) => f.name !== 'reference' && f.type !== 'lines' && f.type !== 'person');

/** Financial years offered by the list filter: 2018 to next year. */
function yearChoices(): number[] {
  const last = new Date().getUTCFullYear() + 1;
  return Array.from({ length: last - 2018 + 1 }, (_, i) => last - i);
}

function renderForm(
  request: FastifyRequest,
  reply: FastifyReply,
  spec: KindSpec,
  data: { lookups: Lookups; values: FormValues; id: string | null; problems?: FieldProblem[] },
) {
  const errors = formErrors(
    translator(request.language, request.translations),
    data.problems ?? [],
  );
  return reply.page('operations/views/form.njk', {
    kind: spec.kind,
    fields: spec.fields,
    services: data.lookups.services,
    menu: data.lookups.menu,
    values: data.values,
    id: data.id,
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
  });
}

/** The operations pages: lists, records, forms, posters and the involvement menu. */
export const operationsRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  const view = guard('operations:view');
  const enter = guard('operations:enter');

  app.get('/staff/operations', view, async (request, reply) => {
    const data = await request.db(async (tx) => {
      const [counts] = rowsOf<Record<string, number>>(
        await tx.execute(sql`select
          (select count(*) from recruitments)::int as recruitment,
          (select count(*) from quality_audits)::int as audits,
          (select count(*) from complaint_stages)::int as complaints,
          (select count(*) from repairs)::int as repairs,
          (select count(*) from volunteer_obligations)::int as "volunteer-obligations",
          (select count(*) from asb_cases)::int as "asb-cases"`),
      );
      const homes = rowsOf<{ year: number; tenure: string; homes: number }>(
        await tx.execute(
          sql`select year, tenure, homes from homes_counts order by year desc, tenure`,
        ),
      );
      return { counts: counts ?? {}, homes };
    });
    return reply.page('operations/views/index.njk', {
      kinds: KINDS.map((k) => ({ kind: k, count: Number(data.counts[k] ?? 0) })),
      homes: data.homes,
      canImport: can(request.user, 'operations:import'),
      canEnter: can(request.user, 'operations:enter'),
      canConfigure: can(request.user, 'operations:configure'),
    });
  });

  app.get(
    '/staff/operations/:kind',
    { ...view, schema: { params: KindParams, querystring: ListQuery } },
    async (request, reply) => {
      const spec = kindOf(request.params.kind);
      const q = request.query;
      const year = /^\d{4}$/.test(q.year ?? '') ? Number(q.year) : null;
      const page = /^\d{1,6}$/.test(q.page ?? '') ? Math.max(1, Number(q.page)) : 1;
      const serviceId = UUID.test(q.service ?? '') ? q.service! : null;
      const reference = (q.reference ?? '').trim().slice(0, 100);
      const period = year ? financialYear(year) : null;
      const data = await request.db(async (tx) => {
        const list = await listRecords(tx, spec, {
          from: period?.from ?? null,
          to: period?.to ?? null,
          serviceId,
          reference: reference || null,
          page,
        });
        return { list, lookups: await lookups(tx) };
      });
      const tr = forPage(translator(request.language, request.translations));
      const context = { tr, language: request.language, lookups: data.lookups, people: new Map() };
      const columns = listed(spec);
      const rows = data.list.rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        cells: columns.map((f) => shown(f, r.values[f.column], context)),
      }));
      const pages = Math.max(1, Math.ceil(data.list.total / PAGE_SIZE));
      const query = (p: number) =>
        `?${new URLSearchParams({
          ...(year ? { year: String(year) } : {}),
          ...(serviceId ? { service: serviceId } : {}),
          ...(reference ? { reference } : {}),
          page: String(p),
        }).toString()}`;
      return reply.page('operations/views/list.njk', {
        kind: spec.kind,
        columns: columns.map((f) => f.name),
        rows,
        total: data.list.total,
        page,
        pages,
        previous: page > 1 ? query(page - 1) : null,
        next: page < pages ? query(page + 1) : null,
        year,
        years: yearChoices(),
        serviceId,
        services: spec.fields.some((f) => f.type === 'service') ? data.lookups.services : null,
        reference,
        canEnter: can(request.user, 'operations:enter'),
        canImport: can(request.user, 'operations:import'),
        deleted: q.deleted === '1',
      });
    },
  );

  app.get(
    '/staff/operations/:kind/new',
    { ...enter, schema: { params: KindParams } },
    async (request, reply) => {
      const spec = kindOf(request.params.kind);
      const data = await request.db((tx) => lookups(tx));
      return renderForm(request, reply, spec, { lookups: data, values: {}, id: null });
    },
  );

  app.post(
    '/staff/operations/:kind',
    { ...enter, schema: { params: KindParams, body: RecordForm } },
    async (request, reply) => {
      const spec = kindOf(request.params.kind);
      return saveFromForm(request, reply, spec, null);
    },
  );

  /** Checks and saves a form, or shows it again with its problems (nothing saved). */
  async function saveFromForm(
    request: FastifyRequest,
    reply: FastifyReply,
    spec: KindSpec,
    id: string | null,
  ) {
    const tr = translator(request.language, request.translations);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { form, data, existing } = await request.db(async (tx) => ({
      existing: id ? await recordOr404(tx, spec, id) : null,
      form: await readRecordForm(tx, spec, body, tr),
      data: await lookups(tx),
    }));
    if (form.problems.length === 0) {
      const saved = await saveRecordForm(
        request.db,
        actorOf(request),
        spec,
        existing,
        form,
        request.organisation.id,
      );
      if (saved.ok)
        return reply.redirect(`/staff/operations/${spec.kind}/${saved.id}?saved=1`, 303);
      form.problems.push(saved.problem);
    }
    return renderForm(request, reply.code(400), spec, {
      lookups: data,
      values: form.typed,
      id,
      problems: form.problems,
    });
  }

  app.get(
    '/staff/operations/:kind/:id',
    { ...view, schema: { params: RecordParams, querystring: ShowQuery } },
    async (request, reply) => {
      const spec = kindOf(request.params.kind);
      const data = await request.db(async (tx) => {
        const record = await recordOr404(tx, spec, request.params.id);
        const stages = spec.staged ? await stagesOf(tx, record.reference) : [];
        const people = await personReferences(
          tx,
          record.values.person_id ? [String(record.values.person_id)] : [],
        );
        const { nation } = await readOwnSettings(tx);
        return { record, stages, people, nation, lookups: await lookups(tx) };
      });
      const tr = forPage(translator(request.language, request.translations));
      const context = {
        tr,
        language: request.language,
        lookups: data.lookups,
        people: data.people,
      };
      const { record } = data;
      const rows = spec.fields
        .filter((f) => f.name !== 'reference')
        .map((f) => ({
          key: f.name,
          value: shown(f, record.values[f.column], context),
          lines:
            f.type === 'lines'
              ? String(record.values[f.column] ?? '')
                  .split('\n')
                  .filter(Boolean)
              : null,
        }));
      let timeliness: { deadline: string; inTime: boolean | null } | null = null;
      const stage = Number(record.values.stage);
      if (spec.staged && (stage === 1 || stage === 2) && record.values.received_on) {
        const deadline = responseDeadline(
          stage,
          {
            receivedOn: String(record.values.received_on),
            acknowledgedOn: (record.values.acknowledged_on as string | null) ?? null,
            extendedTo: (record.values.extended_to as string | null) ?? null,
          },
          data.nation,
        );
        const responded = record.values.responded_on as string | null;
        timeliness = {
          deadline: formatDate(deadline, request.language, false),
          inTime: responded ? responded <= deadline : null,
        };
      }
      return reply.page('operations/views/show.njk', {
        kind: spec.kind,
        record,
        rows,
        timeliness,
        stages: data.stages
          .filter((s) => s.id !== record.id)
          .map((s) => ({ id: s.id, stage: s.values.stage })),
        poster: spec.kind === 'audits',
        ratingShown: RATINGS_SHOWN.includes(String(record.values.rating)),
        canEnter: can(request.user, 'operations:enter'),
        saved: request.query.saved === '1',
      });
    },
  );

  app.get(
    '/staff/operations/:kind/:id/edit',
    { ...enter, schema: { params: RecordParams } },
    async (request, reply) => {
      const spec = kindOf(request.params.kind);
      const data = await request.db(async (tx) => {
        const record = await recordOr404(tx, spec, request.params.id);
        const found = await lookups(tx);
        const codes = new Map(found.services.map((s) => [s.id, s.code]));
        return {
          values: await formValuesOf(tx, spec, record, codes),
          lookups: found,
          id: record.id,
        };
      });
      return renderForm(request, reply, spec, data);
    },
  );

  app.post(
    '/staff/operations/:kind/:id',
    { ...enter, schema: { params: RecordParams, body: RecordForm } },
    async (request, reply) => {
      const spec = kindOf(request.params.kind);
      if (!UUID.test(request.params.id)) throw notFound();
      return saveFromForm(request, reply, spec, request.params.id);
    },
  );

  app.post(
    '/staff/operations/:kind/:id/delete',
    { ...enter, schema: { params: RecordParams } },
    async (request, reply) => {
      const spec = kindOf(request.params.kind);
      await request.db(async (tx) => {
        const record = await recordOr404(tx, spec, request.params.id);
        await deleteRecord(tx, actorOf(request), spec, record);
      });
      return reply.redirect(`/staff/operations/${spec.kind}?deleted=1`, 303);
    },
  );

  app.get(
    '/staff/operations/audits/:id/poster',
    { ...view, schema: { params: AuditParams } },
    async (request, reply) => {
      const poster = await request.db((tx) => auditPoster(tx, request.params.id));
      if (!poster) throw notFound();
      return reply.page('operations/views/poster.njk', { poster });
    },
  );

  app.get(
    '/staff/operations/audits/:id/poster.pdf',
    { ...view, schema: { params: AuditParams } },
    async (request, reply) => {
      const poster = await request.db((tx) => auditPoster(tx, request.params.id));
      if (!poster) throw notFound();
      return sendPosterPdf(
        reply,
        poster,
        translator(request.language, request.translations),
        request.organisation.name,
      );
    },
  );

  // The involvement menu: the items a recruitment's involvement may name.
  const configure = guard('operations:configure');
  app.get(
    '/admin/operations',
    { ...configure, schema: { querystring: MenuQuery } },
    async (request, reply) => {
      const settings = await request.db((tx) => readModuleSettings(tx, null, operationsSettings));
      return reply.page('operations/views/settings.njk', {
        menu: settings.involvementMenu.map((i) => `${i.code}: ${i.label}`).join('\n'),
        saved: request.query.saved === '1',
      });
    },
  );

  app.post(
    '/admin/operations',
    { ...configure, schema: { body: MenuForm } },
    async (request, reply) => {
      const typed = request.body.menu ?? '';
      const items: Array<{ code: string; label: string }> = [];
      let bad = false;
      for (const line of typed
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)) {
        const match = /^([a-z][a-z0-9_]{0,39})\s*:\s*(.{1,120})$/.exec(line);
        if (!match || items.some((i) => i.code === match[1])) bad = true;
        else items.push({ code: match[1]!, label: match[2]!.trim() });
      }
      const problem = bad
        ? 'operations.settings.lineError'
        : items.length === 0
          ? 'operations.settings.empty'
          : null;
      if (!problem) {
        const result = await request.db((tx) =>
          updateModuleSettings(tx, actorOf(request), request.organisation.id, operationsSettings, {
            involvementMenu: items,
          }),
        );
        if (result.ok) return reply.redirect('/admin/operations?saved=1', 303);
      }
      const errors = formErrors(translator(request.language, request.translations), {
        menu: problem ?? 'operations.settings.lineError',
      });
      return reply.code(400).page('operations/views/settings.njk', {
        menu: typed,
        errorList: errors?.errorList,
        errors: errors?.errors ?? {},
      });
    },
  );
};

export type { OperationsKind };
