import type { FastifyPluginAsync } from 'fastify';
import { withShapes } from '../../../platform/forms/schema.ts';
import { EraseForm, ExtendForm, RightsQuery, RightsRequestForm } from '../schemas.ts';
import { eq } from 'drizzle-orm';
import { can, guard } from '../../../platform/auth/index.ts';
import { audit } from '../../../platform/audit/index.ts';
import { todayInLondon, workDays } from '../../../platform/calendar/index.ts';
import { readModuleSettings } from '../../../platform/tenancy/module-settings.ts';
import { registerSettings } from '../settings.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { formErrors } from '../../../platform/views/forms.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import {
  appendSuppressionFile,
  completeRequests,
  erasePerson,
  extendRequest,
  listRequests,
  logRequest,
  markRetentionReviewed,
  retentionDue,
  subjectAccessExport,
} from '../rights.ts';
import { people, rightsRequests } from '../tables.ts';
import { tidy, validIsoDate } from '../validate.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { ensurePerson } from './people.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The data folder, where the suppression list keeps its copy. */
    dataDir?: string;
  }
}

/** Subject access, erasure, the requests log and retention review (issue 4 §10). */
export const rightsRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  async function sar(request: Parameters<typeof idParam>[0], id: string) {
    const includeEquality = can(request.user, 'equality:read');
    return request.db(async (tx) => {
      const data = await subjectAccessExport(tx, id, { includeEquality });
      if (data && !data.person.erasedAt) {
        await audit(tx, actorOf(request), {
          action: 'subject-access',
          entity: 'person',
          entityId: id,
        });
        await completeRequests(tx, id, 'access');
      }
      return data;
    });
  }

  app.get('/staff/people/:id/subject-access', guard('rights:manage'), async (request, reply) => {
    const id = idParam(request);
    const data = await sar(request, id);
    if (!data || data.person.erasedAt) throw notFound();
    return reply.page('people/views/subject-access.njk', {
      data,
      json: JSON.stringify(data, null, 2),
      personId: id,
    });
  });

  app.get(
    '/staff/people/:id/subject-access.json',
    guard('rights:manage'),
    async (request, reply) => {
      const id = idParam(request);
      const data = await sar(request, id);
      if (!data || data.person.erasedAt) throw notFound();
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="subject-access-${data.person.reference.replace(/[^A-Za-z0-9_-]/g, '_')}.json"`,
        )
        .header('cache-control', 'no-store')
        .send(JSON.stringify(data, null, 2));
    },
  );

  app.get('/staff/people/:id/erase', guard('people:erase'), async (request, reply) => {
    const id = idParam(request);
    const [person] = await request.db((tx) => tx.select().from(people).where(eq(people.id, id)));
    if (!person || person.erasedAt) throw notFound();
    return reply.page('people/views/erase.njk', { person, errors: {} });
  });

  app.post(
    '/staff/people/:id/erase',
    { ...guard('people:erase'), schema: { body: EraseForm } },
    async (request, reply) => {
      const id = idParam(request);
      const body = request.body;
      const [person] = await request.db((tx) => tx.select().from(people).where(eq(people.id, id)));
      if (!person || person.erasedAt) throw notFound();
      // Typing the reference makes sure the right person is erased: it cannot be undone.
      if (tidy(body.confirm).toUpperCase() !== person.reference.toUpperCase()) {
        const errors = formErrors(translator(request.language, request.translations), {
          confirm: 'rights.erase.confirmError',
        });
        return reply.code(400).page('people/views/erase.njk', {
          person,
          errors: errors?.errors ?? {},
          errorList: errors?.errorList,
        });
      }
      const organisationId = request.organisation.id;
      const prints = await request.db((tx) =>
        erasePerson(tx, actorOf(request), id, organisationId),
      );
      if (prints && app.dataDir) {
        try {
          appendSuppressionFile(app.dataDir, organisationId, prints);
        } catch (error) {
          // The erasure stands (the database holds the list); say the copy failed.
          request.log.error({ err: error }, 'could not add to the suppression list file');
        }
      }
      return reply.redirect('/staff/rights?erased=1', 303);
    },
  );

  app.post(
    '/staff/people/:id/requests',
    { ...guard('rights:manage'), schema: { body: RightsRequestForm } },
    async (request, reply) => {
      const id = idParam(request);
      await ensurePerson(request, id);
      const body = request.body;
      const kind = tidy(body.kind) === 'erasure' ? 'erasure' : 'access';
      const receivedOn = tidy(body.receivedOn) || todayInLondon();
      if (!validIsoDate(receivedOn) || receivedOn > todayInLondon())
        return reply.redirect(`/staff/people/${id}?problem=request#rights`, 303);
      await request.db((tx) =>
        logRequest(tx, actorOf(request), { personId: id, kind, receivedOn, note: null }),
      );
      return reply.redirect(`/staff/people/${id}?saved=1#rights`, 303);
    },
  );

  app.get(
    '/staff/rights',
    { ...guard('rights:manage'), schema: { querystring: RightsQuery } },
    async (request, reply) => {
      const query = request.query;
      // From the staff home: open requests due in the next seven days, or overdue.
      const dueSoon = query.due === 'soon';
      const dueBy = dueSoon ? workDays(todayInLondon()).weekEnd : undefined;
      const requests = await request.db((tx) => listRequests(tx, dueBy ? { dueBy } : {}));
      return reply.page('people/views/rights.njk', {
        requests,
        dueSoon,
        today: todayInLondon(),
        erased: query.erased === '1',
      });
    },
  );

  app.post(
    '/staff/rights/:id/extend',
    { ...guard('rights:manage'), schema: { body: ExtendForm } },
    async (request, reply) => {
      const id = idParam(request);
      const note = tidy(request.body.note).slice(0, 500);
      await request.db((tx) => extendRequest(tx, actorOf(request), id, note));
      return reply.redirect('/staff/rights', 303);
    },
  );

  app.post('/staff/rights/:id/complete', guard('rights:manage'), async (request, reply) => {
    const id = idParam(request);
    await request.db(async (tx) => {
      const [row] = await tx
        .update(rightsRequests)
        .set({ status: 'completed', completedOn: todayInLondon() })
        .where(eq(rightsRequests.id, id))
        .returning();
      if (row)
        await audit(tx, actorOf(request), {
          action: 'rights-complete',
          entity: 'rights_request',
          entityId: id,
        });
    });
    return reply.redirect('/staff/rights', 303);
  });

  app.get('/staff/rights/retention', guard('rights:manage'), async (request, reply) => {
    const today = todayInLondon();
    const { years, due } = await request.db(async (tx) => {
      const years = (await readModuleSettings(tx, request.organisation.id, registerSettings))
        .retentionYears;
      return { years, due: await retentionDue(tx, years, today) };
    });
    return reply.page('people/views/retention.njk', { years, due });
  });

  app.post('/staff/rights/retention/:id/keep', guard('rights:manage'), async (request, reply) => {
    const id = idParam(request);
    await request.db((tx) => markRetentionReviewed(tx, actorOf(request), id, todayInLondon()));
    return reply.redirect('/staff/rights/retention', 303);
  });
};
