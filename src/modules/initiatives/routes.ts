import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can, guard, type Action } from '../../platform/auth/index.ts';
import { idParam, notFound, pageParam } from '../../platform/http/params.ts';
import { forPage, ownWords, translator } from '../../platform/i18n/index.ts';
import { formErrors, type FormErrors } from '../../platform/forms/index.ts';
import { withShapes } from '../../platform/forms/schema.ts';
import {
  InitiativeForm,
  InitiativeListQuery,
  InitiativeParams,
  InitiativeShowQuery,
  LadderForm,
  LadderQuery,
} from './schemas.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { listServices } from '../people/index.ts';
import { loadOptions, optionLabelOnPage, type Options } from '../people/index.ts';
import { countsAsInvolvement } from './ladder.ts';
import {
  INITIATIVE_STATUSES,
  initiativeById,
  loadLadder,
  pageOfInitiatives,
  parseInitiativeFilter,
  type InitiativeDetail,
  type LadderRung,
} from './queries.ts';
import {
  PURPOSE_PARTS,
  closeInitiative,
  createInitiative,
  initiativeSections,
  missingPurposeParts,
  publishInitiative,
  readInitiativeForm,
  readLadderForm,
  saveLadder,
  updateInitiative,
  valuesFromInitiative,
  type FieldProblem,
  type InitiativeFormValues,
  type PurposePart,
} from './service.ts';

/** Field problems as the GOV.UK macros take them, each message naming its field. */
const toErrors = (request: FastifyRequest, problems: FieldProblem[]): FormErrors | null =>
  formErrors(translator(request.language, request.translations), problems);

/** The organisation's own words (a rung's name, a kind's label) for a page in the reader's language. */
const localName = (language: string, en: string, cy: string | null) => ownWords(language, en, cy);

/** The rungs in the reader's language. */
function ladderView(ladder: LadderRung[], language: string) {
  return ladder.map((r) => ({
    ...r,
    label: localName(language, r.name, r.nameCy),
    text: localName(language, r.description, r.descriptionCy),
  }));
}

/** What the initiative form offers: the lists, the services and the ladder. */
async function formLists(request: FastifyRequest) {
  return request.db(async (tx) => ({
    options: await loadOptions(tx),
    services: await listServices(tx),
    ladder: await loadLadder(tx),
  }));
}
type FormLists = Awaited<ReturnType<typeof formLists>>;

function choicesOf(lists: FormLists) {
  return {
    kinds: lists.options.initiative_kind.map((o) => ({ code: o.code, retired: o.retired })),
    specialisms: lists.options.specialism.map((o) => o.code),
    roles: lists.options.involvement_role.map((o) => o.code),
    serviceIds: lists.services.map((s) => s.id),
  };
}

function renderForm(
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    lists: FormLists;
    values: InitiativeFormValues;
    initiativeId?: string;
    errors?: FormErrors | null;
  },
) {
  return reply.page('initiatives/views/form.njk', {
    options: data.lists.options,
    services: data.lists.services,
    rungs: ladderView(data.lists.ladder, request.language),
    values: data.values,
    initiativeId: data.initiativeId ?? null,
    errorList: data.errors?.errorList,
    errors: data.errors?.errors ?? {},
  });
}

/** Labels of the codes of a list, in the reader's language. */
function labels(
  options: Options,
  list: 'specialism' | 'involvement_role',
  codes: string[],
  lang: string,
) {
  return codes.map((code) => optionLabelOnPage(options, list, code, lang));
}

/** Everything the initiative's page shows, in one short transaction. */
async function loadShowPage(request: FastifyRequest, id: string) {
  const user = request.user!;
  const tr = translator(request.language, request.translations);
  const data = await request.db(async (tx) => {
    const initiative = await initiativeById(tx, id);
    if (!initiative) return null;
    return {
      initiative,
      options: await loadOptions(tx),
      services: await listServices(tx),
      sections: await initiativeSections(tx, id, forPage(tr).text, (action: Action) =>
        can(user, action),
      ),
    };
  });
  if (!data) throw notFound();
  return data;
}

function renderShow(
  request: FastifyRequest,
  reply: FastifyReply,
  data: Awaited<ReturnType<typeof loadShowPage>>,
  extra: { flash?: string | null; refused?: PurposePart[] } = {},
) {
  const { initiative, options, services } = data;
  const lang = request.language;
  const tr = forPage(translator(lang, request.translations));
  const user = request.user!;
  const refused = extra.refused ?? [];
  const errorList = refused.map((part) => ({
    text: tr.text(`initiatives.publish.missing.${part}`),
    href: `/staff/initiatives/${initiative.id}/edit#${part}`,
  }));
  const serviceNames = initiative.audienceServices.map(
    (sid) => services.find((s) => s.id === sid)?.name ?? tr.text('initiatives.show.unknownService'),
  );
  return reply.page('initiatives/views/show.njk', {
    initiative,
    kindLabel: optionLabelOnPage(options, 'initiative_kind', initiative.kind, lang),
    rungLabel: localName(lang, initiative.rungName, initiative.rungNameCy),
    rungText: localName(lang, initiative.rungDescription, initiative.rungDescriptionCy),
    counted: countsAsInvolvement(initiative.rung),
    serviceNames,
    specialismLabels: labels(options, 'specialism', initiative.audienceSpecialisms, lang),
    roleLabels: labels(options, 'involvement_role', initiative.audienceRoles, lang),
    missing: missingPurposeParts(initiative),
    purposeParts: PURPOSE_PARTS,
    sections: data.sections,
    mayManage: can(user, 'initiatives:manage'),
    flash: extra.flash ?? null,
    refused,
    errorList: errorList.length ? errorList : undefined,
  });
}

/** The owner's user id: kept while the name stays, the signed-in user's when it is their name. */
function ownerUserIdFor(
  request: FastifyRequest,
  ownerName: string,
  before?: Pick<InitiativeDetail, 'ownerName' | 'ownerUserId'>,
): string | null {
  if (before && before.ownerName === ownerName) return before.ownerUserId;
  return request.user && ownerName === request.user.name ? request.user.id : null;
}

const FLASHES = ['created', 'saved', 'published', 'closed'] as const;

/** Initiatives, the ladder and its settings (issue 5 §1, §2). */
export const initiativeRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/admin/ladder',
    { ...guard('register:configure'), schema: { querystring: LadderQuery } },
    async (request, reply) => {
      const ladder = await request.db((tx) => loadLadder(tx));
      const values: Record<string, string> = {};
      for (const r of ladder)
        Object.assign(values, {
          [`name-${r.rung}`]: r.name,
          [`nameCy-${r.rung}`]: r.nameCy ?? '',
          [`description-${r.rung}`]: r.description,
          [`descriptionCy-${r.rung}`]: r.descriptionCy ?? '',
        });
      return reply.page('initiatives/views/ladder.njk', {
        ladder,
        values,
        errors: {},
        showWelsh:
          request.organisation.welshEnabled || ladder.some((r) => r.nameCy || r.descriptionCy),
        saved: request.query.saved === '1',
      });
    },
  );

  app.post(
    '/admin/ladder',
    { ...guard('register:configure'), schema: { body: LadderForm } },
    async (request, reply) => {
      const form = readLadderForm(request.body);
      if (form.problems.length > 0) {
        const ladder = await request.db((tx) => loadLadder(tx));
        const errors = toErrors(request, form.problems);
        return reply.code(400).page('initiatives/views/ladder.njk', {
          ladder,
          values: form.values,
          errorList: errors?.errorList,
          errors: errors?.errors ?? {},
          showWelsh:
            request.organisation.welshEnabled ||
            form.rungs.some((r) => r.nameCy || r.descriptionCy),
          saved: false,
        });
      }
      await request.db((tx) => saveLadder(tx, actorOf(request), form.rungs));
      return reply.redirect('/admin/ladder?saved=1', 303);
    },
  );

  app.get(
    '/staff/initiatives',
    { ...guard('initiatives:view'), schema: { querystring: InitiativeListQuery } },
    async (request, reply) => {
      const filter = parseInitiativeFilter(request.query);
      const data = await request.db(async (tx) => ({
        ...(await pageOfInitiatives(tx, filter, pageParam(request.query.page))),
        options: await loadOptions(tx),
        ladder: await loadLadder(tx),
      }));
      const lang = request.language;
      const kindLabels = Object.fromEntries(
        data.options.initiative_kind.map((o) => [o.code, localName(lang, o.label, o.labelCy)]),
      );
      const user = request.user!;
      return reply.page('initiatives/views/list.njk', {
        rows: data.rows.map((row) => ({
          ...row,
          kindLabel: kindLabels[row.kind] ?? row.kind,
          rungLabel: localName(lang, row.rungName, row.rungNameCy),
          counted: countsAsInvolvement(row.rung),
        })),
        filter,
        total: data.total,
        page: data.page,
        pages: data.pages,
        // The page links keep the filters.
        query: new URLSearchParams(
          Object.entries(filter).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
        ).toString(),
        kinds: data.options.initiative_kind,
        rungs: ladderView(data.ladder, lang),
        statuses: INITIATIVE_STATUSES,
        mayManage: can(user, 'initiatives:manage'),
        mayConfigure: can(user, 'register:configure'),
        filtered:
          filter.status !== undefined || filter.kind !== undefined || filter.rung !== undefined,
      });
    },
  );

  app.get('/staff/initiatives/new', guard('initiatives:manage'), async (request, reply) => {
    const lists = await formLists(request);
    return renderForm(request, reply, {
      lists,
      values: { ownerName: request.user!.name },
    });
  });

  app.post(
    '/staff/initiatives',
    { ...guard('initiatives:manage'), schema: { body: InitiativeForm } },
    async (request, reply) => {
      const lists = await formLists(request);
      const form = readInitiativeForm(request.body, choicesOf(lists));
      if (form.problems.length > 0)
        return renderForm(request, reply.code(400), {
          lists,
          values: form.values,
          errors: toErrors(request, form.problems),
        });
      const ownerUserId = ownerUserIdFor(request, form.input.ownerName ?? '');
      const created = await request.db((tx) =>
        createInitiative(tx, actorOf(request), { ...form.input, ownerUserId }),
      );
      return reply.redirect(`/staff/initiatives/${created.id}?created=1`, 303);
    },
  );

  app.get(
    '/staff/initiatives/:id',
    {
      ...guard('initiatives:view'),
      schema: { params: InitiativeParams, querystring: InitiativeShowQuery },
    },
    async (request, reply) => {
      const id = idParam(request);
      const data = await loadShowPage(request, id);
      const flash = FLASHES.find((f) => request.query[f] === '1') ?? null;
      return renderShow(request, reply, data, { flash });
    },
  );

  app.get(
    '/staff/initiatives/:id/edit',
    { ...guard('initiatives:manage'), schema: { params: InitiativeParams } },
    async (request, reply) => {
      const id = idParam(request);
      const lists = await formLists(request);
      const row = await request.db((tx) => initiativeById(tx, id));
      if (!row) throw notFound();
      return renderForm(request, reply, {
        lists,
        values: valuesFromInitiative(row),
        initiativeId: id,
      });
    },
  );

  app.post(
    '/staff/initiatives/:id',
    { ...guard('initiatives:manage'), schema: { params: InitiativeParams, body: InitiativeForm } },
    async (request, reply) => {
      const id = idParam(request);
      const lists = await formLists(request);
      const before = await request.db((tx) => initiativeById(tx, id));
      if (!before) throw notFound();
      const form = readInitiativeForm(request.body, choicesOf(lists), before);
      if (form.problems.length > 0)
        return renderForm(request, reply.code(400), {
          lists,
          values: form.values,
          initiativeId: id,
          errors: toErrors(request, form.problems),
        });
      const ownerUserId = ownerUserIdFor(request, form.input.ownerName ?? '', before);
      const saved = await request.db((tx) =>
        updateInitiative(tx, actorOf(request), id, { ...form.input, ownerUserId }),
      );
      if (!saved) throw notFound();
      return reply.redirect(`/staff/initiatives/${id}?saved=1`, 303);
    },
  );

  app.post(
    '/staff/initiatives/:id/publish',
    { ...guard('initiatives:manage'), schema: { params: InitiativeParams } },
    async (request, reply) => {
      const id = idParam(request);
      const result = await request.db((tx) => publishInitiative(tx, actorOf(request), id));
      if (result.status === 'not-found') throw notFound();
      if (result.status === 'incomplete') {
        const data = await loadShowPage(request, id);
        return renderShow(request, reply.code(400), data, { refused: result.missing });
      }
      return reply.redirect(`/staff/initiatives/${id}?published=1`, 303);
    },
  );

  app.post(
    '/staff/initiatives/:id/close',
    { ...guard('initiatives:manage'), schema: { params: InitiativeParams } },
    async (request, reply) => {
      const id = idParam(request);
      const closed = await request.db((tx) => closeInitiative(tx, actorOf(request), id));
      if (!closed) throw notFound();
      return reply.redirect(`/staff/initiatives/${id}?closed=1`, 303);
    },
  );
};
