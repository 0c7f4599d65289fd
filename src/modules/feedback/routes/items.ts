import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard, PUBLIC_ROUTE } from '../../../platform/auth/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { parsePeriod } from '../../../platform/periods/index.ts';
import { addressKey, allowUse } from '../../identity/index.ts';
import { createPerson, recordConsents } from '../../people/index.ts';
import { actionsAnswering } from '../actions.ts';
import {
  CHANNELS,
  EMPTY_ITEM_FORM,
  HEAR_BACK_CHANNELS,
  ITEM_PAGE_SIZE,
  findItem,
  itemChoices,
  itemServices,
  itemValues,
  listItems,
  nameServices,
  readPublicItemForm,
  readStaffItemForm,
  recordItems,
  setItemThemes,
  type ItemFormValues,
} from '../items.ts';
import { ItemBody, ItemListQuery, ItemThemesBody, SavedQuery } from '../schemas.ts';
import { listThemes } from '../themes.ts';
import { shown } from './themes.ts';

/** The public form's limits: per address an hour (no CAPTCHA), and for everyone a day. */
export const PUBLIC_FEEDBACK_LIMITS = { perAddressPerHour: 10 };

/** Feedback items: the staff list, entry and theming, and the public form. */
export const itemRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  app.get(
    '/staff/feedback',
    { ...guard('feedback:log'), schema: { querystring: ItemListQuery } },
    async (request, reply) => {
      const q = request.query;
      const period = q.period ? parsePeriod('quarter', q.period) : null;
      const page = Math.max(1, Math.min(100000, Number.parseInt(q.page ?? '1', 10) || 1));
      const data = await request.db(async (tx) => {
        const themes = await listThemes(tx, { includeRetired: true });
        const themeId = themes.some((t) => t.id === q.theme) ? q.theme : undefined;
        const channel = (CHANNELS as readonly string[]).includes(q.channel ?? '')
          ? q.channel
          : undefined;
        const { rows, total } = await listItems(
          tx,
          { channel, themeId, from: period?.from, to: period?.to },
          page,
        );
        const choices = await itemChoices(tx);
        return { themes, rows: nameServices(rows, choices.services), total, themeId, channel };
      });
      const pages = Math.max(1, Math.ceil(data.total / ITEM_PAGE_SIZE));
      const query = (p: number) =>
        `/staff/feedback?${new URLSearchParams({
          ...(data.channel ? { channel: data.channel } : {}),
          ...(data.themeId ? { theme: data.themeId } : {}),
          ...(period ? { period: period.name } : {}),
          page: String(p),
        }).toString()}`;
      return reply.page('feedback/views/items/list.njk', {
        ...data,
        channels: CHANNELS,
        period: period?.name ?? '',
        page,
        pages,
        previous: page > 1 ? query(page - 1) : null,
        next: page < pages ? query(page + 1) : null,
        saved: q.saved ?? null,
      });
    },
  );

  const renderStaffForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: ItemFormValues,
    problems: Parameters<typeof shown>[1] = [],
  ) => {
    const choices = await request.db((tx) => itemChoices(tx));
    const { errorList, errors } = shown(request, problems);
    return reply.code(problems.length ? 400 : 200).page('feedback/views/items/form.njk', {
      values,
      ...choices,
      channels: CHANNELS,
      hearBackChannels: HEAR_BACK_CHANNELS,
      errorList,
      errors,
    });
  };

  app.get('/staff/feedback/items/new', guard('feedback:log'), async (request, reply) => {
    const [y, m, d] = todayInLondon().split('-');
    return renderStaffForm(request, reply, {
      ...EMPTY_ITEM_FORM,
      'receivedOn-day': String(Number(d)),
      'receivedOn-month': String(Number(m)),
      'receivedOn-year': y!,
    });
  });

  app.post(
    '/staff/feedback/items',
    { ...guard('feedback:log'), schema: { body: ItemBody } },
    async (request, reply) => {
      const values = itemValues(request.body);
      const result = await request.db(async (tx) => {
        const choices = await itemChoices(tx);
        const { problems, input } = await readStaffItemForm(tx, values, {
          today: todayInLondon(),
          serviceIds: new Set(choices.services.map((s) => s.id)),
          initiativeIds: new Set(choices.initiatives.map((i) => i.id)),
        });
        if (!input) return { ok: false as const, problems };
        const [id] = await recordItems(tx, actorOf(request), [
          { ...input, loggedBy: request.user?.id ?? null },
        ]);
        return { ok: true as const, id: id! };
      });
      if (!result.ok) return renderStaffForm(request, reply, values, result.problems);
      return reply.redirect(`/staff/feedback/items/${result.id}?saved=logged`, 303);
    },
  );

  /** An item's page; with problems, the themes as chosen and what is wrong with them. */
  const renderItem = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: {
      saved?: string | null;
      chosen?: string[];
      problems?: Parameters<typeof shown>[1];
    } = {},
  ) => {
    const data = await request.db(async (tx) => {
      const item = await findItem(tx, id);
      if (!item) return null;
      const choices = await itemChoices(tx);
      nameServices([item], choices.services);
      return {
        item,
        themes: await listThemes(tx, { includeRetired: true }),
        actions: (await actionsAnswering(tx, [id])).get(id) ?? [],
      };
    });
    if (!data) throw notFound();
    const { errorList, errors } = shown(request, extra.problems ?? []);
    return reply.code(errorList.length ? 400 : 200).page('feedback/views/items/show.njk', {
      ...data,
      chosen: extra.chosen ?? data.item.themes.map((t) => t.id),
      saved: extra.saved ?? null,
      errorList,
      errors,
    });
  };

  app.get(
    '/staff/feedback/items/:id',
    { ...guard('feedback:log'), schema: { querystring: SavedQuery } },
    async (request, reply) =>
      renderItem(request, reply, idParam(request), { saved: request.query.saved ?? null }),
  );

  app.post(
    '/staff/feedback/items/:id/themes',
    { ...guard('feedback:log'), schema: { body: ItemThemesBody } },
    async (request, reply) => {
      const id = idParam(request);
      const done = await request.db(async (tx) => {
        const item = await findItem(tx, id);
        if (!item) return null;
        return setItemThemes(tx, actorOf(request), id, request.body.themes);
      });
      if (done === null) throw notFound();
      if (done.length)
        return renderItem(request, reply, id, { chosen: request.body.themes, problems: done });
      return reply.redirect(`/staff/feedback/items/${id}?saved=themes`, 303);
    },
  );

  // ------------------------------------------------------------------ the public form

  const renderPublicForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: ItemFormValues,
    problems: Parameters<typeof shown>[1] = [],
    status = 200,
  ) => {
    const services = await request.db((tx) => itemServices(tx));
    const { errorList, errors } = shown(request, problems);
    return reply.code(problems.length ? 400 : status).page('feedback/views/public/form.njk', {
      values,
      services,
      errorList,
      errors,
    });
  };

  app.get('/feedback', PUBLIC_ROUTE, async (request, reply) =>
    renderPublicForm(request, reply, { ...EMPTY_ITEM_FORM }),
  );

  app.post('/feedback', { ...PUBLIC_ROUTE, schema: { body: ItemBody } }, async (request, reply) => {
    const values = itemValues(request.body);
    // The honeypot: a person never sees it, a program fills it in. Answer as if taken.
    if (request.body.website) return reply.redirect('/feedback/thanks', 303);
    const today = todayInLondon();
    const result = await request.db(async (tx) => {
      const services = await itemServices(tx);
      const { problems, feedback } = readPublicItemForm(values, {
        today,
        serviceIds: new Set(services.map((s) => s.id)),
      });
      if (!feedback) return { ok: false as const, problems };
      const allowed = await allowUse(
        tx,
        `feedback:${addressKey(request.ip)}`,
        PUBLIC_FEEDBACK_LIMITS.perAddressPerHour,
        60,
      );
      if (!allowed) return { ok: false as const, problems: [], limited: true };
      const actor = actorOf(request);
      let personId: string | null = null;
      if (feedback.contact) {
        // Never changes anyone on the register: a new record, and likely matches go to staff.
        const person = await createPerson(tx, actor, {
          firstName: feedback.contact.firstName,
          lastName: feedback.contact.lastName,
          kinds: ['customer'],
          email: feedback.contact.email,
          phone: feedback.contact.phone,
          language: request.language,
          preferredChannels: feedback.input.hearBackChannel ? [feedback.input.hearBackChannel] : [],
          source: 'feedback',
        });
        personId = person.id;
        await recordConsents(tx, actor, person.id, [
          { purpose: 'register', status: 'given', method: 'online' },
        ]);
      }
      await recordItems(tx, actor, [{ ...feedback.input, personId, loggedBy: null }]);
      return { ok: true as const };
    });
    if (!result.ok) {
      if ('limited' in result && result.limited)
        return reply.code(429).page('feedback/views/public/limited.njk', {});
      return renderPublicForm(request, reply, values, result.problems);
    }
    return reply.redirect('/feedback/thanks', 303);
  });

  app.get('/feedback/thanks', PUBLIC_ROUTE, async (_request, reply) =>
    reply.page('feedback/views/public/thanks.njk', {}),
  );
};
