import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq, ne, sql } from 'drizzle-orm';
import { can, guard } from '../../../platform/auth/index.ts';
import { audit } from '../../../platform/audit/index.ts';
import { translator } from '../../../platform/i18n/index.ts';
import type { Queryable } from '../../../platform/db/index.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { formErrors, problemOnUnique } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { PartnerForm, ServiceForm, ServicesQuery } from '../schemas.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { activeCodes, loadOptions } from '../options.ts';
import type { Body } from '../person-form.ts';
import { countPeople, listServicesWithCounts } from '../queries.ts';
import { partnerOrganisations, services } from '../tables.ts';
import { normalisePostcode, tidy } from '../validate.ts';

type Values = Record<string, string>;

async function render(
  request: FastifyRequest,
  reply: FastifyReply,
  extra: {
    values?: Values;
    partnerValues?: Values;
    problems?: Record<string, string>;
    /** The banner after a change: the page's saved= (added or updated). */
    saved?: string;
  } = {},
) {
  const data = await request.db(async (tx) => ({
    services: await listServicesWithCounts(tx),
    peopleTotal: await countPeople(tx),
    options: await loadOptions(tx),
    partners: await tx.select().from(partnerOrganisations).orderBy(partnerOrganisations.name),
  }));
  const errors = extra.problems
    ? formErrors(translator(request.language, request.translations), extra.problems)
    : null;
  const saved = extra.saved;
  return reply.page('people/views/services.njk', {
    ...data,
    flash: saved === 'added' || saved === 'updated' ? saved : null,
    mayConfigure: can(request.user, 'register:configure'),
    values: extra.values ?? {},
    partnerValues: extra.partnerValues ?? {},
    errors: errors?.errors ?? {},
    errorList: errors?.errorList,
  });
}

const SERVICE_FIELDS = ['code', 'name', 'type', 'specialism', 'area', 'postcode'] as const;

/** The service form's answers, trimmed, with the problems that need no database. */
function readServiceForm(body: Body | undefined) {
  const values: Values = {};
  for (const name of SERVICE_FIELDS) values[name] = tidy(body?.[name]);
  const problems: Record<string, string> = {};
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/.test(values.code!)) problems.code = 'services.errors.code';
  if (!values.name) problems.name = 'services.errors.name';
  else if (values.name.length > 200) problems.name = 'services.errors.nameLong';
  if (values.area!.length > 100) problems.area = 'services.errors.areaLong';
  const postcode = values.postcode ? normalisePostcode(values.postcode) : null;
  if (values.postcode && !postcode) problems.postcode = 'services.errors.postcode';
  // What is saved, once there are no problems.
  const row = {
    code: values.code!,
    name: values.name!,
    type: values.type!,
    specialism: values.specialism!,
    area: values.area || null,
    postcode,
  };
  return { values, problems, row };
}

/**
 * The problems that need the database: a type and specialism from the lists
 * (a retired one only if the service already has it), and a code no other
 * service has.
 */
async function checkService(
  tx: Queryable,
  values: Values,
  problems: Record<string, string>,
  existing: { id: string; type: string; specialism: string } | null,
): Promise<void> {
  const options = await loadOptions(tx);
  if (!activeCodes(options, 'service_type').has(values.type!) && values.type !== existing?.type)
    problems.type = 'services.errors.type';
  if (
    !activeCodes(options, 'specialism').has(values.specialism!) &&
    values.specialism !== existing?.specialism
  )
    problems.specialism = 'services.errors.specialism';
  if (problems.code) return;
  const [taken] = await tx
    .select({ id: services.id })
    .from(services)
    .where(
      and(
        sql`lower(${services.code}) = ${values.code!.toLowerCase()}`,
        existing ? ne(services.id, existing.id) : undefined,
      ),
    );
  if (taken) problems.code = 'services.errors.codeTaken';
}

/** The unique constraint a service's code can break, as the field message it means. */
const CODE_TAKEN = {
  services_code_idx: { field: 'code', key: 'services.errors.codeTaken' },
};

/** The services page, where leads add services and partner organisations. */
export const serviceRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/staff/services',
    { ...guard('services:view'), schema: { querystring: ServicesQuery } },
    (request, reply) => render(request, reply, { saved: request.query.saved }),
  );

  app.post(
    '/staff/services',
    { ...guard('register:configure'), schema: { body: ServiceForm } },
    async (request, reply) => {
      const { values, problems, row: fields } = readServiceForm(request.body);
      const saved = await problemOnUnique(
        () =>
          request.db(async (tx) => {
            await checkService(tx, values, problems, null);
            if (Object.keys(problems).length > 0) return false;
            const [row] = await tx
              .insert(services)
              .values({ organisationId: request.organisation.id, ...fields })
              .returning();
            await audit(tx, actorOf(request), {
              action: 'create',
              entity: 'service',
              entityId: row!.id,
              after: row,
            });
            return true;
          }),
        CODE_TAKEN,
      );
      // Another request may have taken the code between the check and the write.
      if (!saved.ok) problems[saved.problem.field] = saved.problem.key;
      if (!saved.ok || !saved.value) return render(request, reply.code(400), { values, problems });
      return reply.redirect('/staff/services?saved=added', 303);
    },
  );

  const renderEdit = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values: Values,
    problems: Record<string, string> = {},
  ) => {
    const options = await request.db((tx) => loadOptions(tx));
    const errors = Object.keys(problems).length
      ? formErrors(translator(request.language, request.translations), problems)
      : null;
    return reply.page('people/views/service-form.njk', {
      id,
      values,
      options,
      errors: errors?.errors ?? {},
      errorList: errors?.errorList,
    });
  };

  app.get('/staff/services/:id/edit', guard('register:configure'), async (request, reply) => {
    const id = idParam(request);
    const [row] = await request.db((tx) => tx.select().from(services).where(eq(services.id, id)));
    if (!row) throw notFound();
    return renderEdit(request, reply, id, {
      code: row.code,
      name: row.name,
      type: row.type,
      specialism: row.specialism,
      area: row.area ?? '',
      postcode: row.postcode ?? '',
    });
  });

  app.post(
    '/staff/services/:id/edit',
    { ...guard('register:configure'), schema: { body: ServiceForm } },
    async (request, reply) => {
      const id = idParam(request);
      const { values, problems, row: fields } = readServiceForm(request.body);
      const saved = await problemOnUnique(
        () =>
          request.db(async (tx) => {
            const [before] = await tx.select().from(services).where(eq(services.id, id));
            if (!before) return 'missing' as const;
            await checkService(tx, values, problems, before);
            if (Object.keys(problems).length > 0) return 'problems' as const;
            const [after] = await tx
              .update(services)
              .set(fields)
              .where(eq(services.id, id))
              .returning();
            await audit(tx, actorOf(request), {
              action: 'update',
              entity: 'service',
              entityId: id,
              before,
              after,
            });
            return 'saved' as const;
          }),
        CODE_TAKEN,
      );
      if (!saved.ok) problems[saved.problem.field] = saved.problem.key;
      const outcome = saved.ok ? saved.value : 'problems';
      if (outcome === 'missing') throw notFound();
      if (outcome === 'problems') return renderEdit(request, reply.code(400), id, values, problems);
      return reply.redirect('/staff/services?saved=updated', 303);
    },
  );

  app.post(
    '/staff/partners',
    { ...guard('register:configure'), schema: { body: PartnerForm } },
    async (request, reply) => {
      const body = request.body;
      const partnerValues: Values = {
        name: tidy(body.name).slice(0, 200),
        kind: tidy(body.kind),
        represents: tidy(body.represents).slice(0, 300),
      };
      if (!partnerValues.name)
        return render(request, reply.code(400), {
          partnerValues,
          problems: { partnerName: 'services.errors.partnerName' },
        });
      await request.db(async (tx) => {
        const options = await loadOptions(tx);
        const kind = activeCodes(options, 'partner_kind').has(partnerValues.kind!)
          ? partnerValues.kind!
          : 'other';
        const [row] = await tx
          .insert(partnerOrganisations)
          .values({
            organisationId: request.organisation.id,
            name: partnerValues.name!,
            kind,
            represents: partnerValues.represents || null,
          })
          .returning();
        await audit(tx, actorOf(request), {
          action: 'create',
          entity: 'partner_organisation',
          entityId: row!.id,
          after: row,
        });
      });
      return reply.redirect('/staff/services#partners', 303);
    },
  );
};
