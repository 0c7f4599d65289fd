import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { desc, eq } from 'drizzle-orm';
import { guard } from '../../../platform/auth/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { UUID, idParam, notFound } from '../../../platform/http/params.ts';
import type { Queryable } from '../../../platform/db/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import {
  ACCESS_NEEDS,
  AVAILABILITY,
  CHANNELS,
  CONSENT_METHODS,
  CONSENT_PURPOSES,
  PERSON_KINDS,
  PREFERRED_LANGUAGES,
  SUPPORTER_RELATIONSHIPS,
} from '../lists.ts';
import { loadOptions, optionLabelOnPage, type Options } from '../options.ts';
import { valuesFromPerson, type FormValues } from '../person-form.ts';
import { listServices } from '../queries.ts';
import {
  currentConsentMap,
  isFieldSection,
  isListSection,
  readSection,
  type FieldSection,
  type ListSection,
} from '../sections.ts';
import {
  addTraining,
  endRole,
  endServiceLink,
  linkService,
  recordConsents,
  startRole,
  unknownLinks,
  updatePerson,
  type ConsentChange,
} from '../service.ts';
import {
  consents,
  people,
  personRoles,
  personServices,
  personTraining,
  services,
} from '../tables.ts';
import { tidy, validIsoDate, type FieldProblem } from '../validate.ts';
import { ConsentsForm, PersonForm, RoleForm, ServiceLinkForm, TrainingForm } from '../schemas.ts';
import {
  dateField,
  ensurePerson,
  formLists,
  problemsToErrors,
  resolveSupporter,
} from './people.ts';

type Section = FieldSection | ListSection;

/** The page after a section's change: the summary, with a banner naming the section. */
const savedTo = (id: string, section: Section) => `/staff/people/${id}?saved=${section}#${section}`;

/** What a list section's page shows: the records of its kind, newest first. */
async function listData(tx: Queryable, id: string, section: ListSection) {
  switch (section) {
    case 'consents': {
      const history = await tx
        .select()
        .from(consents)
        .where(eq(consents.personId, id))
        .orderBy(desc(consents.recordedAt));
      return { consentHistory: history, current: currentConsentMap(history) };
    }
    case 'services':
      return {
        serviceLinks: await tx
          .select({
            id: personServices.id,
            name: services.name,
            startedOn: personServices.startedOn,
            endedOn: personServices.endedOn,
          })
          .from(personServices)
          .innerJoin(services, eq(services.id, personServices.serviceId))
          .where(eq(personServices.personId, id))
          .orderBy(desc(personServices.startedOn)),
        services: await listServices(tx),
      };
    case 'roles':
      return {
        roles: await tx
          .select()
          .from(personRoles)
          .where(eq(personRoles.personId, id))
          .orderBy(desc(personRoles.startedOn)),
      };
    case 'training':
      return {
        training: await tx
          .select()
          .from(personTraining)
          .where(eq(personTraining.personId, id))
          .orderBy(desc(personTraining.completedOn)),
      };
  }
}

/**
 * Renders one section's page for the person: its form, with the values as
 * typed and each problem by its field when a change was refused.
 */
async function renderSection(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  section: Section,
  shown: { values?: FormValues; problems?: FieldProblem[] } = {},
) {
  const found = await request.db(async (tx) => {
    const [person] = await tx.select().from(people).where(eq(people.id, id));
    if (!person || person.erasedAt) return null;
    const [supporter] = person.supporterId
      ? await tx
          .select({ reference: people.reference })
          .from(people)
          .where(eq(people.id, person.supporterId))
      : [];
    return {
      person,
      supporterReference: supporter?.reference ?? '',
      options: await loadOptions(tx),
      list: isListSection(section) ? await listData(tx, id, section) : {},
    };
  });
  if (!found) throw notFound();
  const lists = section === 'support' ? await formLists(request) : null;
  const errors = shown.problems?.length ? problemsToErrors(request, shown.problems) : null;
  if (errors) reply.code(400);
  return reply.page('people/views/person-section.njk', {
    section,
    person: found.person,
    options: found.options,
    pageOptions: onPage(found.options, request.language),
    staff: lists?.staff ?? [],
    partners: lists?.partners ?? [],
    ...found.list,
    values: shown.values ?? {
      ...valuesFromPerson(found.person),
      supporterReference: found.supporterReference,
    },
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
    today: todayInLondon(),
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

/** The lists' entries as the form's items show them: English with no Welsh is marked as English. */
function onPage(options: Options, language: string): Options {
  const shown = {} as Record<string, Options[keyof Options]>;
  for (const [list, entries] of Object.entries(options))
    shown[list] = entries.map((o) => ({
      ...o,
      label: optionLabelOnPage(options, list as keyof Options, o.code, language),
      labelCy: null,
    }));
  return shown as Options;
}

/** The section named in the address, or a 404. */
function sectionParam(request: FastifyRequest): Section {
  const name = (request.params as Record<string, string>).section ?? '';
  if (isFieldSection(name) || isListSection(name)) return name;
  throw notFound();
}

/**
 * A person's page in sections (issue 10 §11): each section is changed on a
 * page of its own, which posts only its fields, and comes back to the
 * summary with a banner that names it.
 */
export const personSectionRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  // The one form for everything that was here before: its sections are on the summary now.
  app.get('/staff/people/:id/edit', guard('people:edit'), async (request, reply) => {
    const id = idParam(request);
    return reply.redirect(`/staff/people/${id}`, 303);
  });

  app.get('/staff/people/:id/edit/:section', guard('people:edit'), async (request, reply) => {
    const id = idParam(request);
    return renderSection(request, reply, id, sectionParam(request));
  });

  app.post(
    '/staff/people/:id/edit/:section',
    { ...guard('people:edit'), schema: { body: PersonForm } },
    async (request, reply) => {
      const id = idParam(request);
      const section = sectionParam(request);
      if (!isFieldSection(section)) throw notFound();
      const outcome = await request.db(async (tx) => {
        const [person] = await tx.select().from(people).where(eq(people.id, id));
        if (!person || person.erasedAt) return { missing: true as const };
        const form = readSection(
          section,
          request.body,
          person,
          await loadOptions(tx),
          todayInLondon(),
        );
        if (form.problems.length > 0) return { form, problems: form.problems };
        if (section === 'support') {
          const unknown = await unknownLinks(tx, {
            buddyId: form.fields.buddyId ?? null,
            partnerOrganisationId: form.fields.partnerOrganisationId ?? null,
          });
          if (unknown.length > 0) return { form, problems: unknown };
          const supporter = await resolveSupporter(tx, form.values.supporterReference as string);
          if (supporter === undefined)
            return { form, problems: [{ field: 'supporterReference', key: 'supporterNotFound' }] };
          if (supporter === id)
            return { form, problems: [{ field: 'supporterReference', key: 'supporterSelf' }] };
          form.fields.supporterId = supporter;
        }
        await updatePerson(tx, actorOf(request), id, form.fields);
        return { form, problems: [] };
      });
      if ('missing' in outcome) throw notFound();
      if (outcome.problems.length > 0)
        return renderSection(request, reply, id, section, {
          values: outcome.form.values,
          problems: outcome.problems,
        });
      return reply.redirect(savedTo(id, section), 303);
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
      return reply.redirect(savedTo(id, 'consents'), 303);
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
      const values = { serviceId, startedOn: tidy(body.startedOn) };
      const problems: FieldProblem[] = [];
      if (!validIsoDate(startedOn)) problems.push({ field: 'startedOn', key: 'startedOn' });
      // A service of another organisation, or none, is a wrong choice: nothing is saved.
      const linked =
        UUID.test(serviceId) &&
        problems.length === 0 &&
        (await request.db((tx) => linkService(tx, actorOf(request), id, serviceId, startedOn)));
      if (!linked && problems.length === 0)
        problems.push({ field: 'serviceId', key: 'serviceUnknown' });
      if (problems.length > 0)
        return renderSection(request, reply, id, 'services', { values, problems });
      return reply.redirect(savedTo(id, 'services'), 303);
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
      return reply.redirect(savedTo(id, 'services'), 303);
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
      const problems = await request.db(async (tx) => {
        const found: FieldProblem[] = [];
        const options = await loadOptions(tx);
        if (!options.involvement_role.some((o) => o.code === role && !o.retired))
          found.push({ field: 'role', key: 'roleUnknown' });
        if (!validIsoDate(startedOn)) found.push({ field: 'startedOn', key: 'startedOn' });
        if (found.length === 0) await startRole(tx, actorOf(request), id, role, startedOn);
        return found;
      });
      if (problems.length > 0)
        return renderSection(request, reply, id, 'roles', {
          values: { role, startedOn: tidy(body.startedOn) },
          problems,
        });
      return reply.redirect(savedTo(id, 'roles'), 303);
    },
  );

  app.post('/staff/people/:id/roles/:roleId/end', guard('people:edit'), async (request, reply) => {
    const id = idParam(request);
    await ensurePerson(request, id);
    const roleId = idParam(request, 'roleId');
    await request.db((tx) => endRole(tx, actorOf(request), id, roleId, todayInLondon()));
    return reply.redirect(savedTo(id, 'roles'), 303);
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
      const problems = await request.db(async (tx) => {
        const found: FieldProblem[] = [];
        const options = await loadOptions(tx);
        if (!options.training_module.some((o) => o.code === module && !o.retired))
          found.push({ field: 'module', key: 'trainingUnknown' });
        if (!validIsoDate(completedOn)) found.push({ field: 'completedOn', key: 'completedOn' });
        else if (expiresOn && (!validIsoDate(expiresOn) || expiresOn < completedOn))
          found.push({ field: 'expiresOn', key: 'expiresOn' });
        if (found.length === 0)
          await addTraining(tx, actorOf(request), id, {
            module,
            completedOn,
            expiresOn: expiresOn || null,
          });
        return found;
      });
      if (problems.length > 0)
        return renderSection(request, reply, id, 'training', {
          values: {
            module,
            completedOn: tidy(body.completedOn),
            expiresOn: tidy(body.expiresOn),
          },
          problems,
        });
      return reply.redirect(savedTo(id, 'training'), 303);
    },
  );
};
