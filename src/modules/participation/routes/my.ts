import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { withShapes } from '../../../platform/forms/schema.ts';
import { RsvpForm, RsvpQuery } from '../schemas.ts';
import { guard } from '../../../platform/auth/index.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { loadOptions } from '../../people/index.ts';
import { rsvpPage } from './activities.ts';
import {
  RSVP_ANSWERS,
  invitationForPerson,
  recordAnswers,
  takesAnswers,
  type RsvpAnswer,
} from '../activities.ts';

/**
 * A signed-in customer's answer to an invitation, reached from their own page
 * (/my): the same page as the emailed RSVP link, found through the account's
 * person instead of the link's token, which is stored only as a hash.
 */
export const myRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  async function renderMyRsvp(
    request: FastifyRequest,
    reply: FastifyReply,
    activityId: string,
    extras: { error?: boolean; done?: boolean } = {},
  ) {
    const personId = request.user!.personId;
    const data =
      personId &&
      (await request.db(async (tx) => {
        const view = await invitationForPerson(tx, activityId, personId);
        return view && { view, options: await loadOptions(tx) };
      }));
    if (!data) throw notFound();
    return reply.page('participation/views/activities/rsvp.njk', {
      ...rsvpPage(request, data.view, data.options, extras),
      action: `/my/activities/${activityId}`,
    });
  }

  app.get(
    '/my/activities/:activityId',
    { ...guard('account:use'), schema: { querystring: RsvpQuery } },
    async (request, reply) =>
      renderMyRsvp(request, reply, idParam(request, 'activityId'), {
        done: request.query.done === '1',
      }),
  );

  app.post(
    '/my/activities/:activityId',
    { ...guard('account:use'), schema: { body: RsvpForm } },
    async (request, reply) => {
      const activityId = idParam(request, 'activityId');
      const answer = request.body.answer ?? '';
      if (!(RSVP_ANSWERS as readonly string[]).includes(answer))
        return renderMyRsvp(request, reply.code(400), activityId, {
          error: true,
        });
      const personId = request.user!.personId;
      const saved =
        personId &&
        (await request.db(async (tx) => {
          const view = await invitationForPerson(tx, activityId, personId);
          if (!view) return null;
          if (takesAnswers(view.activity))
            await recordAnswers(tx, actorOf(request), activityId, [
              { personId, rsvp: answer as RsvpAnswer },
            ]);
          return true;
        }));
      if (!saved) throw notFound();
      return reply.redirect(`/my/activities/${activityId}?done=1`, 303);
    },
  );
};
