import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { formErrors, type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { whenText, whereText } from '../../participation/index.ts';
import { line, londonToday, paragraph } from '../groups.ts';
import {
  agendaOf,
  decideItem,
  decisionsOf,
  papersOf,
  proposeItem,
  readItemForm,
} from '../meetings.ts';
import { meetingForMember } from '../portal.ts';
import { AgendaDecisionForm, AgendaItemForm, FlashQuery } from '../schemas.ts';

/**
 * A member's side of a meeting, from their own page (/my): the agenda, the
 * items they proposed and what the chair said, a form to propose one until
 * the deadline, and the papers with their easy-read versions. A member who
 * chairs the body accepts or declines the items here too.
 */
export const myRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  async function renderMeeting(
    request: FastifyRequest,
    reply: FastifyReply,
    meetingId: string,
    extras: {
      problems?: FieldProblem[];
      values?: Record<string, string>;
      done?: string | null;
    } = {},
  ) {
    const personId = request.user!.personId;
    const data =
      personId &&
      (await request.db(async (tx) => {
        const found = await meetingForMember(tx, meetingId, personId);
        if (!found) return null;
        return {
          ...found,
          agenda: await agendaOf(tx, meetingId),
          papers: await papersOf(tx, meetingId),
          decisions: (await decisionsOf(tx, found.meeting.groupId)).filter(
            (d) => d.meetingId === meetingId,
          ),
        };
      }));
    if (!data) throw notFound();
    const errors = formErrors(
      translator(request.language, request.translations),
      extras.problems ?? [],
    );
    const today = londonToday();
    return reply.page('groups/views/my/meeting.njk', {
      ...data,
      when: whenText(data.meeting.activity, request.language),
      where: whereText(data.meeting.activity, request.language),
      open:
        today <= data.meeting.agendaDeadline &&
        data.meeting.activity.startsAt.getTime() > Date.now(),
      accepted: data.agenda.filter((i) => i.status === 'accepted'),
      mine: data.agenda.filter((i) => i.proposedByPersonId === personId),
      waiting: data.chairs ? data.agenda.filter((i) => i.status === 'proposed') : [],
      values: extras.values ?? {},
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
      done: extras.done ?? null,
    });
  }

  app.get(
    '/my/groups/meetings/:meetingId',
    { ...guard('account:use'), schema: { querystring: FlashQuery } },
    async (request, reply) =>
      renderMeeting(request, reply, idParam(request, 'meetingId'), {
        done: request.query.done ?? null,
      }),
  );

  app.post(
    '/my/groups/meetings/:meetingId/items',
    { ...guard('account:use'), schema: { body: AgendaItemForm } },
    async (request, reply) => {
      const meetingId = idParam(request, 'meetingId');
      const personId = request.user!.personId;
      if (!personId) throw notFound();
      const form = readItemForm(request.body);
      const fields = form.fields;
      const outcome = await request.db(async (tx) => {
        const found = await meetingForMember(tx, meetingId, personId);
        if (!found) return null;
        if (!fields) return { problems: form.problems };
        return proposeItem(tx, actorOf(request), found.meeting, fields, {
          personId,
          label: request.user!.name,
          staff: false,
        });
      });
      if (!outcome) throw notFound();
      if ('problems' in outcome)
        return renderMeeting(request, reply.code(400), meetingId, {
          problems: outcome.problems,
          values: form.values,
        });
      return reply.redirect(`/my/groups/meetings/${meetingId}?done=proposed#mine`, 303);
    },
  );

  app.post(
    '/my/groups/meetings/:meetingId/items/:itemId',
    { ...guard('account:use'), schema: { body: AgendaDecisionForm } },
    async (request, reply) => {
      const meetingId = idParam(request, 'meetingId');
      const itemId = idParam(request, 'itemId');
      const personId = request.user!.personId;
      if (!personId) throw notFound();
      const decision = line(request.body, 'decision');
      if (decision !== 'accepted' && decision !== 'declined')
        return renderMeeting(request, reply.code(400), meetingId, {
          problems: [{ field: `decision-${itemId}`, key: 'groups.agenda.errors.decision' }],
        });
      const done = await request.db(async (tx) => {
        const found = await meetingForMember(tx, meetingId, personId);
        if (!found?.chairs) return false;
        return decideItem(
          tx,
          actorOf(request),
          meetingId,
          itemId,
          decision,
          paragraph(request.body, 'response') || null,
        );
      });
      if (!done) throw notFound();
      return reply.redirect(`/my/groups/meetings/${meetingId}?done=${decision}#waiting`, 303);
    },
  );
};
