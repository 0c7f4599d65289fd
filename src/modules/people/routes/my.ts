import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import { guard } from '../../../platform/auth/index.ts';
import { audit } from '../../../platform/audit/index.ts';
import { formErrors, type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import {
  CHANGE_SECTIONS,
  changeRequestsOf,
  completeChangeRequest,
  openChangeRequests,
  readChangeRequestForm,
  readOutcome,
  requestChange,
} from '../change-requests.ts';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../lists.ts';
import { subjectAccessExport } from '../rights.ts';
import { subjectAccessSheets } from '../subject-access-sheets.ts';
import { xlsxSheetsStream } from '../../../platform/spreadsheets/index.ts';
import {
  ChangeDoneForm,
  ChangeRequestBody,
  ConsentStopForm,
  ConsentStopQuery,
} from '../schemas.ts';
import { recordConsents } from '../service.ts';
import { people } from '../tables.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';

/**
 * The customer's own side of the register, reached from /my: asking for a
 * change to their details (staff check it and make it), stopping a consent
 * at once (withdrawing is as easy as giving, UK GDPR Art. 7(3)), and
 * downloading everything held about them. Always the account's person
 * (users.person_id); an account linked to nobody, or an erased person, gets
 * a 404. In assisted mode the member of staff sees the same pages, and the
 * audit trail names both.
 *
 * And the staff's side of change requests: the list of open ones (the staff
 * home's work waiting links here) and marking one done on a person's page.
 */
export const myRegisterRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  /** The account's person, when the register still holds them. */
  async function ownPerson(request: FastifyRequest): Promise<string> {
    const personId = request.user!.personId;
    if (!personId) throw notFound();
    const found = await request.db((tx) =>
      tx
        .select({ id: people.id })
        .from(people)
        .where(and(eq(people.id, personId), isNull(people.erasedAt))),
    );
    if (found.length === 0) throw notFound();
    return personId;
  }

  /**
   * Everything held about the signed-in customer (the subject access export),
   * the download audited with its format. Their own equality answers are
   * theirs to have; a member of staff helping them (assisted mode) is not shown
   * special category data.
   */
  async function ownData(request: FastifyRequest, format: 'json' | 'xlsx') {
    const personId = await ownPerson(request);
    const includeEquality = !request.user!.assistedBy;
    const data = await request.db(async (tx) => {
      const found = await subjectAccessExport(tx, personId, { includeEquality });
      if (found)
        await audit(tx, actorOf(request), {
          action: 'subject-access-download',
          entity: 'person',
          entityId: personId,
          after: { by: 'self', includeEquality, ...(format === 'json' ? {} : { format }) },
        });
      return found;
    });
    if (!data) throw notFound();
    return data;
  }

  async function renderChange(
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    extras: { values?: Record<string, string>; problems?: FieldProblem[] } = {},
  ) {
    const open = (await request.db((tx) => changeRequestsOf(tx, personId))).filter(
      (r) => r.status === 'open',
    );
    const errors = formErrors(
      translator(request.language, request.translations),
      extras.problems ?? [],
    );
    return reply.page('people/views/my/change.njk', {
      sections: CHANGE_SECTIONS,
      open,
      values: extras.values ?? {},
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/my/details/change', guard('account:use'), async (request, reply) =>
    renderChange(request, reply, await ownPerson(request)),
  );

  app.post(
    '/my/details/change',
    { ...guard('account:use'), schema: { body: ChangeRequestBody } },
    async (request, reply) => {
      const personId = await ownPerson(request);
      const { values, form, problems } = readChangeRequestForm(request.body);
      if (!form) return renderChange(request, reply.code(400), personId, { values, problems });
      await request.db((tx) => requestChange(tx, actorOf(request), personId, form));
      return reply.redirect('/my#my-details', 303);
    },
  );

  const purposeOf = (request: FastifyRequest): ConsentPurpose => {
    const purpose = (request.params as { purpose?: string }).purpose ?? '';
    if (!(CONSENT_PURPOSES as readonly string[]).includes(purpose)) throw notFound();
    return purpose as ConsentPurpose;
  };

  /** Whether the person has this consent given today. */
  async function gives(request: FastifyRequest, personId: string, purpose: ConsentPurpose) {
    const [row] = await request.db((tx) =>
      tx.select({ consents: people.consents }).from(people).where(eq(people.id, personId)),
    );
    return Boolean(row?.consents.includes(purpose));
  }

  app.get(
    '/my/consents/:purpose/stop',
    { ...guard('account:use'), schema: { querystring: ConsentStopQuery } },
    async (request, reply) => {
      const personId = await ownPerson(request);
      const purpose = purposeOf(request);
      const done = request.query.done === '1';
      // Once stopped, the page says so; before, only a consent they give can be stopped.
      if (!done && !(await gives(request, personId, purpose))) throw notFound();
      return reply.page('people/views/my/consent-stop.njk', { purpose, done });
    },
  );

  app.post(
    '/my/consents/:purpose/stop',
    { ...guard('account:use'), schema: { body: ConsentStopForm } },
    async (request, reply) => {
      const personId = await ownPerson(request);
      const purpose = purposeOf(request);
      if (!(await gives(request, personId, purpose))) throw notFound();
      await request.db((tx) =>
        recordConsents(tx, actorOf(request), personId, [
          { purpose, status: 'withdrawn', method: 'online' },
        ]),
      );
      return reply.redirect(`/my/consents/${purpose}/stop?done=1`, 303);
    },
  );

  app.get('/my/data.json', guard('account:use'), async (request, reply) => {
    const data = await ownData(request, 'json');
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="your-data-${todayInLondon()}.json"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  });

  // The same data as a spreadsheet, for people who cannot open a JSON file:
  // a sheet for each part, fields in words (subject-access-sheets.ts).
  app.get('/my/data.xlsx', guard('account:use'), async (request, reply) => {
    const data = await ownData(request, 'xlsx');
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="your-data-${todayInLondon()}.xlsx"`)
      .header('cache-control', 'no-store')
      .send(xlsxSheetsStream(subjectAccessSheets(data)));
  });

  // ---------------------------------------------------------------- staff

  app.get('/staff/people/change-requests', guard('people:edit'), async (request, reply) => {
    const requests = await request.db((tx) => openChangeRequests(tx));
    return reply.page('people/views/change-requests.njk', { requests });
  });

  app.post(
    '/staff/people/:id/change-requests/:requestId/done',
    { ...guard('people:edit'), schema: { body: ChangeDoneForm } },
    async (request, reply) => {
      const id = idParam(request);
      const requestId = idParam(request, 'requestId');
      const outcome = readOutcome(request.body.outcome);
      const done = await request.db((tx) =>
        completeChangeRequest(tx, actorOf(request), id, requestId, outcome),
      );
      if (!done) throw notFound();
      return reply.redirect(`/staff/people/${id}?saved=1#change-requests`, 303);
    },
  );
};
