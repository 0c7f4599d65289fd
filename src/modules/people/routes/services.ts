import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import { can, guard } from '../../../platform/auth/index.ts';
import { audit } from '../../../platform/audit/index.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { formErrors } from '../../../platform/views/forms.ts';
import { actorOf } from '../../identity/index.ts';
import { activeCodes, loadOptions } from '../options.ts';
import type { Body } from '../person-form.ts';
import { countPeople, listServices } from '../queries.ts';
import { partnerOrganisations, services } from '../tables.ts';
import { normalisePostcode, tidy } from '../validate.ts';

type Values = Record<string, string>;

async function render(
  request: FastifyRequest,
  reply: FastifyReply,
  extra: { values?: Values; partnerValues?: Values; problems?: Record<string, string> } = {},
) {
  const data = await request.db(async (tx) => ({
    services: await listServices(tx),
    peopleTotal: await countPeople(tx),
    options: await loadOptions(tx),
    partners: await tx.select().from(partnerOrganisations).orderBy(partnerOrganisations.name),
  }));
  const errors = extra.problems ? formErrors(translator(request.language), extra.problems) : null;
  return reply.page('people/views/services.njk', {
    ...data,
    mayConfigure: can(request.user, 'register:configure'),
    values: extra.values ?? {},
    partnerValues: extra.partnerValues ?? {},
    errors: errors?.errors ?? {},
    errorList: errors?.errorList,
  });
}

/** The services page, where leads add services and partner organisations. */
export const serviceRoutes: FastifyPluginAsync = async (app) => {
  app.get('/staff/services', guard('services:view'), (request, reply) => render(request, reply));

  app.post('/staff/services', guard('register:configure'), async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const values: Values = {};
    for (const name of ['code', 'name', 'type', 'specialism', 'area', 'postcode'])
      values[name] = tidy(body[name]);
    const problems: Record<string, string> = {};
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/.test(values.code!))
      problems.code = 'services.errors.code';
    if (!values.name) problems.name = 'services.errors.name';
    const postcode = values.postcode ? normalisePostcode(values.postcode) : null;
    if (values.postcode && !postcode) problems.postcode = 'services.errors.postcode';
    const outcome = await request.db(async (tx) => {
      const options = await loadOptions(tx);
      if (!activeCodes(options, 'service_type').has(values.type!))
        problems.type = 'services.errors.name';
      if (!activeCodes(options, 'specialism').has(values.specialism!))
        problems.specialism = 'services.errors.name';
      const [taken] = await tx
        .select({ id: services.id })
        .from(services)
        .where(sql`lower(${services.code}) = ${values.code!.toLowerCase()}`);
      if (taken) problems.code = 'services.errors.codeTaken';
      if (Object.keys(problems).length > 0) return false;
      const [row] = await tx
        .insert(services)
        .values({
          organisationId: request.organisation.id,
          code: values.code!,
          name: values.name!,
          type: values.type!,
          specialism: values.specialism!,
          area: values.area || null,
          postcode,
        })
        .returning();
      await audit(tx, actorOf(request), {
        action: 'create',
        entity: 'service',
        entityId: row!.id,
        after: row,
      });
      return true;
    });
    if (!outcome) return render(request, reply.code(400), { values, problems });
    return reply.redirect('/staff/services?added=1', 303);
  });

  app.post('/staff/partners', guard('register:configure'), async (request, reply) => {
    const body = (request.body ?? {}) as Body;
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
  });
};
