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
  ConsentsForm,
  EqualityForm,
  MergeForm,
  MergeQuery,
  PeopleFilterQuery,
  PersonForm,
  PersonShowQuery,
  RoleForm,
  SavedListForm,
  ServiceLinkForm,
  TrainingForm,
} from '../schemas.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import {
  ACCESS_NEEDS,
  AVAILABILITY,
  CHANNELS,
  CONSENT_METHODS,
  CONSENT_PURPOSES,
  EQUALITY_FIELDS,
  EQUALITY_QUESTIONS,
  PERSON_KINDS,
  PREFERRED_LANGUAGES,
  SUPPORTER_RELATIONSHIPS,
  ageBand,
  type ConsentPurpose,
  type EqualityQuestion,
} from '../lists.ts';
import { languageName } from '../languages.ts';
import { loadOptions } from '../options.ts';
import { loadPerson } from '../person.ts';
import { readPersonForm, valuesFromPerson, type Body, type FormValues } from '../person-form.ts';
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
import {
  addTraining,
  createPerson,
  dismissDuplicate,
  endRole,
  endServiceLink,
  linkService,
  openDuplicates,
  personByReference,
  recordConsents,
  saveEquality,
  startRole,
  staffPeople,
  unknownLinks,
  updatePerson,
  type ConsentChange,
} from '../service.ts';
import { partnerOrganisations, people, savedLists } from '../tables.ts';
import { tidy, validIsoDate, type FieldProblem } from '../validate.ts';

/** The register's problems (keys under register.errors) as the GOV.UK macros take them. */
function problemsToErrors(request: FastifyRequest, problems: FieldProblem[]) {
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
async function formLists(request: FastifyRequest) {
  return request.db(async (tx) => ({
    options: await loadOptions(tx),
    staff: await staffPeople(tx),
    partners: await tx
      .select({ id: partnerOrganisations.id, name: partnerOrganisations.name })
      .from(partnerOrganisations)
      .orderBy(partnerOrganisations.name),
  }));
}

function renderForm(
  reply: FastifyReply,
  data: {
    values: FormValues;
    lists: Awaited<ReturnType<typeof formLists>>;
    personId?: string;
    errors?: ReturnType<typeof problemsToErrors>;
    supporterName?: string | null;
  },
) {
  return reply.page('people/views/person-form.njk', {
    ...data.lists,
    values: data.values,
    personId: data.personId ?? null,
    supporterName: data.supporterName ?? null,
    errorList: data.errors?.errorList,
    errors: data.errors?.errors ?? {},
    kinds: PERSON_KINDS,
    needs: ACCESS_NEEDS,
    channels: CHANNELS,
    availability: AVAILABILITY,
    relationships: SUPPORTER_RELATIONSHIPS,
    preferredLanguages: PREFERRED_LANGUAGES,
    consentPurposes: CONSENT_PURPOSES,
    consentMethods: CONSENT_METHODS,
  });
}

/** The value of a date typed as YYYY-MM-DD or into a GOV.UK date input; '' when empty. */
function dateField(body: Body, name: string): string {
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

  app.get('/staff/people/new', guard('people:edit'), async (request, reply) => {
    const lists = await formLists(request);
    return renderForm(reply, {
      lists,
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
      const body = request.body;
      const lists = await formLists(request);
      const today = todayInLondon();
      const form = readPersonForm(body, lists.options, today, true);
      if (form.problems.length > 0)
        return renderForm(reply.code(400), {
          lists,
          values: form.values,
          errors: problemsToErrors(request, form.problems),
        });
      const actor = actorOf(request);
      const written = await problemOnUnique(
        () =>
          request.db(async (tx) => {
            const unknown = await unknownLinks(tx, form.fields);
            if (unknown.length > 0) return { taken: 'links' as const, unknown };
            const supporter = await resolveSupporter(tx, form.values.supporterReference as string);
            if (supporter === undefined) return { taken: 'supporter' as const };
            form.fields.supporterId = supporter;
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
          lists,
          values: form.values,
          errors: problemsToErrors(
            request,
            outcome.taken === 'links'
              ? outcome.unknown
              : [
                  outcome.taken === 'reference'
                    ? { field: 'reference', key: 'referenceTaken' }
                    : { field: 'supporterReference', key: 'supporterNotFound' },
                ],
          ),
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
        return (
          loaded && { ...loaded, options: await loadOptions(tx), services: await listServices(tx) }
        );
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
        consentMethods: CONSENT_METHODS,
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
        problem: Boolean(query.problem),
        serviceProblem: query.problem === 'service',
      });
    },
  );

  app.get('/staff/people/:id/edit', guard('people:edit'), async (request, reply) => {
    const id = idParam(request);
    const lists = await formLists(request);
    const found = await request.db(async (tx) => {
      const [person] = await tx.select().from(people).where(eq(people.id, id));
      const [supporter] = person?.supporterId
        ? await tx
            .select({ reference: people.reference })
            .from(people)
            .where(eq(people.id, person.supporterId))
        : [];
      return person && { person, supporterReference: supporter?.reference ?? '' };
    });
    if (!found || found.person.erasedAt) throw notFound();
    return renderForm(reply, {
      lists,
      values: { ...valuesFromPerson(found.person), supporterReference: found.supporterReference },
      personId: id,
    });
  });

  app.post(
    '/staff/people/:id',
    { ...guard('people:edit'), schema: { body: PersonForm } },
    async (request, reply) => {
      const id = idParam(request);
      const body = request.body;
      const lists = await formLists(request);
      const form = readPersonForm(body, lists.options, todayInLondon(), false);
      if (form.problems.length > 0)
        return renderForm(reply.code(400), {
          lists,
          values: form.values,
          personId: id,
          errors: problemsToErrors(request, form.problems),
        });
      const { reference: _reference, ...fields } = form.fields;
      const outcome = await request.db(async (tx) => {
        const [row] = await tx
          .select({ id: people.id, erasedAt: people.erasedAt })
          .from(people)
          .where(eq(people.id, id));
        if (!row || row.erasedAt) return 'missing' as const;
        const unknown = await unknownLinks(tx, fields);
        if (unknown.length > 0) return unknown;
        const supporter = await resolveSupporter(tx, form.values.supporterReference as string);
        if (supporter === undefined) return 'supporterNotFound' as const;
        if (supporter === id) return 'supporterSelf' as const;
        await updatePerson(tx, actorOf(request), id, { ...fields, supporterId: supporter });
        return 'saved' as const;
      });
      if (outcome === 'missing') throw notFound();
      if (outcome !== 'saved')
        return renderForm(reply.code(400), {
          lists,
          values: form.values,
          personId: id,
          errors: problemsToErrors(
            request,
            Array.isArray(outcome) ? outcome : [{ field: 'supporterReference', key: outcome }],
          ),
        });
      return reply.redirect(`/staff/people/${id}?saved=1`, 303);
    },
  );

  app.post(
    '/staff/people/:id/consents',
    { ...guard('people:edit'), schema: { body: ConsentsForm } },
    async (request, reply) => {
      const id = idParam(request);
      await ensurePerson(request, id);
      const body = request.body;
      const method = (CONSENT_METHODS as readonly string[]).includes(tidy(body.method))
        ? tidy(body.method)
        : 'verbal';
      const changes: ConsentChange[] = [];
      for (const purpose of CONSENT_PURPOSES) {
        const status = tidy(body[`consent-${purpose}`]);
        if (
          status === 'given' ||
          status === 'withdrawn' ||
          (purpose === 'equality' && status === 'objected')
        )
          changes.push({ purpose, status, method });
      }
      await request.db((tx) => recordConsents(tx, actorOf(request), id, changes));
      return reply.redirect(`/staff/people/${id}?saved=1#consents`, 303);
    },
  );

  app.post(
    '/staff/people/:id/services',
    { ...guard('people:edit'), schema: { body: ServiceLinkForm } },
    async (request, reply) => {
      const id = idParam(request);
      await ensurePerson(request, id);
      const body = request.body;
      const serviceId = tidy(body.serviceId);
      const startedOn = dateField(body, 'startedOn') || todayInLondon();
      if (!UUID.test(serviceId) || !validIsoDate(startedOn))
        return reply.redirect(`/staff/people/${id}?problem=service#services`, 303);
      // A service of another organisation, or none, is a wrong choice: nothing is saved.
      const linked = await request.db((tx) =>
        linkService(tx, actorOf(request), id, serviceId, startedOn),
      );
      if (!linked) return reply.redirect(`/staff/people/${id}?problem=service#services`, 303);
      return reply.redirect(`/staff/people/${id}?saved=1#services`, 303);
    },
  );

  app.post(
    '/staff/people/:id/services/:linkId/end',
    guard('people:edit'),
    async (request, reply) => {
      const id = idParam(request);
      await ensurePerson(request, id);
      const linkId = idParam(request, 'linkId');
      await request.db((tx) => endServiceLink(tx, actorOf(request), id, linkId, todayInLondon()));
      return reply.redirect(`/staff/people/${id}?saved=1#services`, 303);
    },
  );

  app.post(
    '/staff/people/:id/roles',
    { ...guard('people:edit'), schema: { body: RoleForm } },
    async (request, reply) => {
      const id = idParam(request);
      await ensurePerson(request, id);
      const body = request.body;
      const role = tidy(body.role);
      const startedOn = dateField(body, 'startedOn') || todayInLondon();
      const ok = await request.db(async (tx) => {
        const options = await loadOptions(tx);
        if (
          !options.involvement_role.some((o) => o.code === role && !o.retired) ||
          !validIsoDate(startedOn)
        )
          return false;
        await startRole(tx, actorOf(request), id, role, startedOn);
        return true;
      });
      return reply.redirect(`/staff/people/${id}?${ok ? 'saved=1' : 'problem=role'}#roles`, 303);
    },
  );

  app.post('/staff/people/:id/roles/:roleId/end', guard('people:edit'), async (request, reply) => {
    const id = idParam(request);
    await ensurePerson(request, id);
    const roleId = idParam(request, 'roleId');
    await request.db((tx) => endRole(tx, actorOf(request), id, roleId, todayInLondon()));
    return reply.redirect(`/staff/people/${id}?saved=1#roles`, 303);
  });

  app.post(
    '/staff/people/:id/training',
    { ...guard('people:edit'), schema: { body: TrainingForm } },
    async (request, reply) => {
      const id = idParam(request);
      await ensurePerson(request, id);
      const body = request.body;
      const module = tidy(body.module);
      const completedOn = dateField(body, 'completedOn');
      const expiresOn = dateField(body, 'expiresOn');
      const ok = await request.db(async (tx) => {
        const options = await loadOptions(tx);
        if (!options.training_module.some((o) => o.code === module && !o.retired)) return false;
        if (
          !validIsoDate(completedOn) ||
          (expiresOn && (!validIsoDate(expiresOn) || expiresOn < completedOn))
        )
          return false;
        await addTraining(tx, actorOf(request), id, {
          module,
          completedOn,
          expiresOn: expiresOn || null,
        });
        return true;
      });
      return reply.redirect(
        `/staff/people/${id}?${ok ? 'saved=1' : 'problem=training'}#training`,
        303,
      );
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
      return reply.redirect(`/staff/people/${id}?saved=1#equality`, 303);
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
async function resolveSupporter(
  tx: Queryable,
  reference: string,
): Promise<string | null | undefined> {
  if (!reference) return null;
  const person = await personByReference(tx, reference);
  return person && !person.erasedAt ? person.id : undefined;
}

/** The decision that holds for each purpose, from the history newest first. */
function currentConsentMap(history: Array<{ purpose: string; status: string }>) {
  const map: Record<string, string> = {};
  for (const row of history) map[row.purpose] ??= row.status;
  return map;
}
