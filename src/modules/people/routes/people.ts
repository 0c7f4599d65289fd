import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq, or } from 'drizzle-orm';
import { can, guard } from '../../../platform/auth/index.ts';
import { audit } from '../../../platform/audit/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { UUID, idParam, notFound } from '../../../platform/http/params.ts';
import type { Queryable } from '../../../platform/db/index.ts';
import { bracketingEnglish, translator } from '../../../platform/i18n/index.ts';
import { csvStream, xlsxStream } from '../../../platform/spreadsheets/index.ts';
import { formErrors, problemOnUnique, readDateInput } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import {
  EqualityForm,
  MergeForm,
  MergeQuery,
  PeopleFilterQuery,
  PersonForm,
  PersonShowQuery,
  SavedListForm,
} from '../schemas.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import {
  ACCESS_NEEDS,
  CONSENT_METHODS,
  CONSENT_PURPOSES,
  EQUALITY_FIELDS,
  EQUALITY_QUESTIONS,
  PERSON_KINDS,
  ageBand,
  type ConsentPurpose,
  type EqualityQuestion,
} from '../lists.ts';
import { languageName } from '../languages.ts';
import { loadOptions } from '../options.ts';
import { loadPerson } from '../person.ts';
import { readPersonForm, type Body, type FormValues } from '../person-form.ts';
import {
  PAGE_SIZE,
  areasInUse,
  contactSheet,
  exportBatch,
  filterQuery,
  listServices,
  parseFilter,
  searchPeople,
  type PeopleFilter,
} from '../queries.ts';
import { MERGE_FIELDS, mergePeople, type MergeField } from '../rights.ts';
import { ADD_INPUTS, currentConsentMap, isSection } from '../sections.ts';
import {
  createPerson,
  dismissDuplicate,
  openDuplicates,
  personByReference,
  recordConsents,
  saveEquality,
  staffPeople,
} from '../service.ts';
import { partnerOrganisations, people, savedLists } from '../tables.ts';
import { tidy, type FieldProblem } from '../validate.ts';

/** The register's problems (keys under register.errors) as the GOV.UK macros take them. */
export function problemsToErrors(request: FastifyRequest, problems: FieldProblem[]) {
  return formErrors(
    translator(request.language, request.translations),
    problems.map((p) => ({
      field: p.field,
      key: `register.errors.${p.key}`,
      ...(p.label ? { label: p.label } : {}),
      // The date input's first box is where the link lands.
      ...(p.field === 'dateOfBirth' ? { href: 'dateOfBirth-day' } : {}),
    })),
  );
}

/** The unique constraint a new person's reference can break, as the field message it means. */
const REFERENCE_TAKEN = {
  people_reference_idx: { field: 'reference', key: 'register.errors.referenceTaken' },
};

/** Stops a change to someone who is not on the register (or was erased) with a 404. */
export async function ensurePerson(request: FastifyRequest, id: string): Promise<void> {
  const [row] = await request.db((tx) =>
    tx.select({ erasedAt: people.erasedAt }).from(people).where(eq(people.id, id)),
  );
  if (!row || row.erasedAt) throw notFound();
}

/** What the person form needs besides its values: the lists to choose from. */
export async function formLists(request: FastifyRequest) {
  return request.db(async (tx) => ({
    options: await loadOptions(tx),
    staff: await staffPeople(tx),
    partners: await tx
      .select({ id: partnerOrganisations.id, name: partnerOrganisations.name })
      .from(partnerOrganisations)
      .orderBy(partnerOrganisations.name),
  }));
}

/** The add form: only what a record must have (the rest is added section by section). */
function renderForm(
  reply: FastifyReply,
  data: { values: FormValues; errors?: ReturnType<typeof problemsToErrors> },
) {
  return reply.page('people/views/person-form.njk', {
    values: data.values,
    errorList: data.errors?.errorList,
    errors: data.errors?.errors ?? {},
    kinds: PERSON_KINDS,
    consentPurposes: CONSENT_PURPOSES,
    consentMethods: CONSENT_METHODS,
  });
}

/** The value of a date typed as YYYY-MM-DD or into a GOV.UK date input; '' when empty. */
export function dateField(body: Body, name: string): string {
  const direct = tidy(body[name]);
  if (direct) return direct;
  const date = readDateInput(body, name);
  // A date that is not real comes back as text validIsoDate refuses, as one typed directly would.
  return date.problem ? `${name}-not-a-date` : (date.iso ?? '');
}

/** The export's columns, named as the import names them where it has them (docs/imports.md). */
function exportHeader() {
  return [
    'reference',
    'first_name',
    'last_name',
    'preferred_name',
    'kinds',
    'email',
    'phone',
    'address_line_1',
    'address_line_2',
    'town',
    'postcode',
    'area',
    'language',
    'preferred_channels',
    'do_not_contact',
    'consents',
    'needs',
    'needs_note',
    'skills',
    'interests',
    'last_involved_on',
    'service_codes',
    'roles',
  ];
}

async function* exportRows(request: FastifyRequest, filter: PeopleFilter) {
  let after: { lastName: string; firstName: string; id: string } | null = null;
  for (;;) {
    // Each batch its own short transaction: an export of any size streams.
    const batch = await request.db((tx) => exportBatch(tx, filter, after));
    for (const r of batch)
      yield [
        r.reference,
        r.firstName,
        r.lastName,
        r.preferredName,
        r.kinds,
        r.email,
        r.phone,
        r.addressLine1,
        r.addressLine2,
        r.town,
        r.postcode,
        r.area,
        r.language,
        r.preferredChannels,
        r.doNotContact,
        r.consents,
        r.needs,
        r.needsNote,
        r.skills,
        r.interests,
        r.lastInvolvedOn,
        r.serviceCodes,
        r.roles,
      ];
    const last = batch.at(-1);
    if (!last || batch.length < 1000) return;
    after = { lastName: last.lastName, firstName: last.firstName, id: last.id };
  }
}

/** Finding people, a person's page, adding and changing them (issue 4 §2–8). */
export const peopleRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/staff/people',
    { ...guard('people:view'), schema: { querystring: PeopleFilterQuery } },
    async (request, reply) => {
      const query = request.query;
      const filter = parseFilter(query);
      const user = request.user!;
      const data = await request.db(async (tx) => ({
        result: await searchPeople(tx, filter),
        options: await loadOptions(tx),
        services: await listServices(tx),
        lists: await tx
          .select()
          .from(savedLists)
          .where(or(eq(savedLists.shared, true), eq(savedLists.ownerUserId, user.id)))
          .orderBy(savedLists.name),
        areas: await areasInUse(tx),
      }));
      const query_ = filterQuery(filter);
      return reply.page('people/views/people.njk', {
        ...data,
        filter,
        query: query_,
        pages: Math.max(1, Math.ceil(data.result.total / PAGE_SIZE)),
        pageSize: PAGE_SIZE,
        needsList: ACCESS_NEEDS,
        kinds: PERSON_KINDS,
        mayExport: can(user, 'people:export'),
        mayMerge: can(user, 'people:merge'),
        mayEdit: can(user, 'people:edit'),
        saved: query.saved === '1',
      });
    },
  );

  app.get('/staff/people/new', guard('people:edit'), async (_request, reply) => {
    return renderForm(reply, {
      values: {
        kinds: ['customer'],
        language: 'en',
        consents: ['register'],
        consentMethod: 'verbal',
      },
    });
  });

  app.post(
    '/staff/people',
    { ...guard('people:edit'), schema: { body: PersonForm } },
    async (request, reply) => {
      // Only the add form's own fields: the rest is changed section by section afterwards.
      const body: Body = {};
      for (const input of ADD_INPUTS) body[input] = request.body[input];
      const options = await request.db((tx) => loadOptions(tx));
      const form = readPersonForm(body, options, todayInLondon(), true);
      if (form.problems.length > 0)
        return renderForm(reply.code(400), {
          values: form.values,
          errors: problemsToErrors(request, form.problems),
        });
      const actor = actorOf(request);
      const written = await problemOnUnique(
        () =>
          request.db(async (tx) => {
            if (form.fields.reference) {
              const [taken] = await tx
                .select({ id: people.id })
                .from(people)
                .where(eq(people.reference, form.fields.reference));
              if (taken) return { taken: 'reference' as const };
            }
            const created = await createPerson(tx, actor, form.fields);
            const purposes = form.consents.filter((c): c is ConsentPurpose =>
              (CONSENT_PURPOSES as readonly string[]).includes(c),
            );
            await recordConsents(
              tx,
              actor,
              created.id,
              purposes.map((purpose) => ({ purpose, status: 'given', method: form.consentMethod })),
            );
            return { taken: null, ...created };
          }),
        REFERENCE_TAKEN,
      );
      // Another request may have taken the reference between the check and the write.
      const outcome = written.ok ? written.value : { taken: 'reference' as const };
      if (outcome.taken)
        return renderForm(reply.code(400), {
          values: form.values,
          errors: problemsToErrors(request, [{ field: 'reference', key: 'referenceTaken' }]),
        });
      return reply.redirect(`/staff/people/${outcome.id}?added=1`, 303);
    },
  );

  const EXPORTS = {
    csv: 'text/csv; charset=utf-8',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  } as const;
  for (const format of Object.keys(EXPORTS) as Array<keyof typeof EXPORTS>) {
    app.get(
      `/staff/people/export.${format}`,
      { ...guard('people:export'), schema: { querystring: PeopleFilterQuery } },
      async (request, reply) => {
        const filter = parseFilter(request.query);
        const header = exportHeader();
        await request.db((tx) =>
          audit(tx, actorOf(request), {
            action: 'export',
            entity: 'people',
            after: { format, filter: filterQuery(filter) },
          }),
        );
        const rows = exportRows(request, filter);
        reply
          .header('content-type', EXPORTS[format])
          .header(
            'content-disposition',
            `attachment; filename="people-${todayInLondon()}.${format}"`,
          )
          .header('cache-control', 'no-store');
        return reply.send(
          format === 'csv' ? csvStream(header, rows) : xlsxStream('People', header, rows),
        );
      },
    );
  }

  app.get(
    '/staff/people/contact-sheet',
    { ...guard('people:view'), schema: { querystring: PeopleFilterQuery } },
    async (request, reply) => {
      const filter = parseFilter(request.query);
      const found = await request.db((tx) => contactSheet(tx, filter));
      const text = bracketingEnglish(translator(request.language, request.translations));
      const rows = found.map((r) => ({ ...r, languageName: languageName(r.language, { text }) }));
      return reply.page('people/views/contact-sheet.njk', {
        phone: rows.filter((r) => r.channel === 'phone'),
        letters: rows.filter((r) => r.channel === 'letter'),
        query: filterQuery(filter),
      });
    },
  );

  app.post(
    '/staff/people/lists',
    { ...guard('people:view'), schema: { body: SavedListForm } },
    async (request, reply) => {
      const body = request.body;
      const name = tidy(body.name).slice(0, 100);
      const filter = parseFilter(body);
      const query = filterQuery(filter);
      if (!name) return reply.redirect(`/staff/people?${query}&listError=1`, 303);
      await request.db(async (tx) => {
        await tx.insert(savedLists).values({
          organisationId: request.organisation.id,
          name,
          query,
          ownerUserId: request.user!.id,
          shared: body.shared === 'yes',
        });
        await audit(tx, actorOf(request), {
          action: 'create',
          entity: 'saved_list',
          after: { name, query },
        });
      });
      return reply.redirect(`/staff/people?${query}${query ? '&' : ''}saved=1`, 303);
    },
  );

  app.post('/staff/people/lists/:id/delete', guard('people:view'), async (request, reply) => {
    const id = idParam(request);
    await request.db(async (tx) => {
      const [row] = await tx
        .delete(savedLists)
        .where(and(eq(savedLists.id, id), eq(savedLists.ownerUserId, request.user!.id)))
        .returning();
      if (row)
        await audit(tx, actorOf(request), {
          action: 'delete',
          entity: 'saved_list',
          entityId: id,
          before: row,
        });
    });
    return reply.redirect('/staff/people', 303);
  });

  app.get('/staff/people/duplicates', guard('people:merge'), async (request, reply) => {
    const pairs = await request.db((tx) => openDuplicates(tx));
    return reply.page('people/views/duplicates.njk', { pairs });
  });

  app.post(
    '/staff/people/duplicates/:id/dismiss',
    guard('people:merge'),
    async (request, reply) => {
      const id = idParam(request);
      await request.db((tx) => dismissDuplicate(tx, actorOf(request), id));
      return reply.redirect('/staff/people/duplicates', 303);
    },
  );

  app.get(
    '/staff/people/:id',
    { ...guard('people:view'), schema: { querystring: PersonShowQuery } },
    async (request, reply) => {
      const id = idParam(request);
      const user = request.user!;
      const tr = translator(request.language, request.translations);
      const withEquality = can(user, 'equality:read');
      const data = await request.db(async (tx) => {
        const loaded = await loadPerson(tx, id, { withEquality, text: bracketingEnglish(tr) });
        if (loaded?.equality)
          // Reading special category data is recorded.
          await audit(tx, actorOf(request), {
            action: 'read-equality',
            entity: 'person',
            entityId: id,
          });
        return loaded && { ...loaded, options: await loadOptions(tx) };
      });
      if (!data || data.person.erasedAt) throw notFound();
      const today = todayInLondon();
      const query = request.query;
      return reply.page('people/views/person.njk', {
        ...data,
        today,
        ageBand: data.person.dateOfBirth ? ageBand(data.person.dateOfBirth, today) : null,
        languageName: languageName(data.person.language, { text: bracketingEnglish(tr) }),
        consentPurposes: CONSENT_PURPOSES,
        current: currentConsentMap(data.consentHistory),
        equalityFields: EQUALITY_FIELDS,
        may: {
          edit: can(user, 'people:edit'),
          merge: can(user, 'people:merge'),
          erase: can(user, 'people:erase'),
          rights: can(user, 'rights:manage'),
          equality: withEquality,
          // A sign-in account made from here knows the person (identity's users.person_id).
          account: can(user, 'users:manage'),
        },
        flash: query.added ? 'added' : query.saved ? 'saved' : query.merged ? 'merged' : null,
        // A change to one section names it in the banner; saved=1 (rights, change requests) does not.
        savedSection: query.saved && isSection(query.saved) ? query.saved : null,
        problem: Boolean(query.problem),
      });
    },
  );

  app.get('/staff/people/:id/equality', guard('equality:read'), async (request, reply) => {
    const id = idParam(request);
    const tr = translator(request.language, request.translations);
    const data = await request.db((tx) =>
      loadPerson(tx, id, { withEquality: true, text: bracketingEnglish(tr) }),
    );
    if (!data || data.person.erasedAt) throw notFound();
    const values: Record<string, string> = {};
    for (const field of EQUALITY_FIELDS) values[field] = data.equality?.[field] ?? '';
    return reply.page('people/views/equality-form.njk', {
      person: data.person,
      values,
      questions: EQUALITY_QUESTIONS,
      consented: data.person.consents.includes('equality'),
    });
  });

  app.post(
    '/staff/people/:id/equality',
    { ...guard('equality:read'), schema: { body: EqualityForm } },
    async (request, reply) => {
      const id = idParam(request);
      await ensurePerson(request, id);
      const body = request.body;
      const answers: Partial<Record<EqualityQuestion, string | null>> = {};
      for (const field of EQUALITY_FIELDS) answers[field] = tidy(body[field]) || null;
      const outcome = await request.db((tx) => saveEquality(tx, actorOf(request), id, answers));
      if (outcome === 'no-consent')
        return reply.redirect(`/staff/people/${id}/equality?problem=consent`, 303);
      return reply.redirect(`/staff/people/${id}?saved=equality#equality`, 303);
    },
  );

  app.get(
    '/staff/people/:id/merge',
    { ...guard('people:merge'), schema: { querystring: MergeQuery } },
    async (request, reply) => {
      const id = idParam(request);
      const otherId = tidy(request.query.with);
      if (!UUID.test(otherId) || otherId === id) throw notFound();
      const rows = await request.db((tx) =>
        tx
          .select()
          .from(people)
          .where(or(eq(people.id, id), eq(people.id, otherId))),
      );
      const keep = rows.find((r) => r.id === id);
      const other = rows.find((r) => r.id === otherId);
      if (!keep || !other || keep.erasedAt || other.erasedAt) throw notFound();
      const differing = MERGE_FIELDS.filter(
        (f) =>
          keep[f] !== null &&
          keep[f] !== '' &&
          other[f] !== null &&
          other[f] !== '' &&
          keep[f] !== other[f],
      );
      return reply.page('people/views/merge.njk', {
        keep,
        other,
        differing,
        mergeFields: MERGE_FIELDS,
      });
    },
  );

  app.post(
    '/staff/people/:id/merge',
    { ...guard('people:merge'), schema: { body: MergeForm } },
    async (request, reply) => {
      const id = idParam(request);
      const body = request.body;
      const otherId = tidy(body.otherId);
      if (!UUID.test(otherId)) throw notFound();
      const take = MERGE_FIELDS.filter((f) => tidy(body[`field-${f}`]) === 'other') as MergeField[];
      const merged = await request.db((tx) => mergePeople(tx, actorOf(request), id, otherId, take));
      if (!merged) throw notFound();
      return reply.redirect(`/staff/people/${id}?merged=1`, 303);
    },
  );
};

/** The supporter's id from their reference: null for none, undefined when no one has it. */
export async function resolveSupporter(
  tx: Queryable,
  reference: string,
): Promise<string | null | undefined> {
  if (!reference) return null;
  const person = await personByReference(tx, reference);
  return person && !person.erasedAt ? person.id : undefined;
}
