import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import type { Queryable } from '../../../platform/db/index.ts';
import type { FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { ownWords } from '../../../platform/i18n/index.ts';
import { rowsOf } from '../../../platform/db/index.ts';
import { sql } from 'drizzle-orm';
import { loadOptions } from '../../people/index.ts';
import {
  ACTION_KINDS,
  AROSE_FROM_KINDS,
  EMPTY_ACTION_FORM,
  actionLinks,
  actionValues,
  answerItems,
  ariseFrom,
  checkAction,
  completeAction,
  createAction,
  findAction,
  listActions,
  loopTasks,
  markLoopSent,
  quotableItems,
  unlinkFromAction,
  updateAction,
  valuesOfAction,
  type ActionFormValues,
  type ActionRow,
} from '../actions.ts';
import { itemsByReferences, longText, type ItemRow } from '../items.ts';
import {
  ActionBody,
  CompleteBody,
  LinkBody,
  MarkSentBody,
  SavedQuery,
  UnlinkBody,
} from '../schemas.ts';
import { form, text } from '../../../platform/forms/schema.ts';
import { shown } from './themes.ts';

const NewActionQuery = form({ item: text() });
const ActionListQuery = form({ status: text(), saved: text() });

/** Item references typed one a line, or separated by commas or spaces. */
const referencesIn = (raw: string | string[] | undefined): string[] =>
  (Array.isArray(raw) ? raw : [raw ?? '']).flatMap((r) => r.split(/[\s,]+/)).filter(Boolean);

async function specialismChoices(tx: Queryable, language: string) {
  const options = await loadOptions(tx);
  return options.specialism
    .filter((o) => !o.retired)
    .map((o) => ({ code: o.code, label: ownWords(language, o.label, o.labelCy) }));
}

async function initiativeChoices(tx: Queryable) {
  return rowsOf<{ id: string; title: string }>(
    await tx.execute(sql`select id, title from initiative_summaries order by title`),
  );
}

/** Actions: what was done about feedback, its links, completing it, and the loop's letters and calls. */
export const actionRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  app.get(
    '/staff/feedback/actions',
    { ...guard('feedback:act'), schema: { querystring: ActionListQuery } },
    async (request, reply) => {
      const status = ['open', 'in_progress', 'done'].includes(request.query.status ?? '')
        ? request.query.status
        : undefined;
      const actions = await request.db((tx) => listActions(tx, { status }));
      return reply.page('feedback/views/actions/list.njk', { actions, status: status ?? '' });
    },
  );

  const renderForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: {
      values: ActionFormValues;
      action: ActionRow | null;
      items: ItemRow[];
      problems?: FieldProblem[];
    },
  ) => {
    const specialisms = await request.db((tx) => specialismChoices(tx, request.language));
    const { errorList, errors } = shown(request, data.problems ?? []);
    return reply.code(data.problems?.length ? 400 : 200).page('feedback/views/actions/form.njk', {
      values: data.values,
      action: data.action,
      items: data.items,
      quotable: data.items.filter((i) => i.mayQuote && i.text),
      kinds: ACTION_KINDS,
      specialisms,
      errorList,
      errors,
    });
  };

  app.get(
    '/staff/feedback/actions/new',
    { ...guard('feedback:act'), schema: { querystring: NewActionQuery } },
    async (request, reply) => {
      const { found } = await request.db((tx) =>
        itemsByReferences(tx, referencesIn(request.query.item)),
      );
      return renderForm(request, reply, {
        values: {
          ...EMPTY_ACTION_FORM,
          youSaid: found.length === 1 ? found[0]!.text.slice(0, 500) : '',
        },
        action: null,
        items: found,
      });
    },
  );

  app.post(
    '/staff/feedback/actions',
    { ...guard('feedback:act'), schema: { body: ActionBody } },
    async (request, reply) => {
      const values = actionValues(request.body);
      const result = await request.db(async (tx) => {
        const { found } = await itemsByReferences(tx, referencesIn(request.body.items));
        const specialisms = await specialismChoices(tx, request.language);
        const { problems, fields } = checkAction(values, {
          specialisms: new Set(specialisms.map((s) => s.code)),
          quotable: quotableItems(found),
        });
        if (!fields) return { ok: false as const, problems, items: found };
        const id = await createAction(
          tx,
          actorOf(request),
          fields,
          found.map((i) => i.id),
        );
        return { ok: true as const, id };
      });
      if (!result.ok)
        return renderForm(request, reply, {
          values,
          action: null,
          items: result.items,
          problems: result.problems,
        });
      return reply.redirect(`/staff/feedback/actions/${result.id}?saved=created`, 303);
    },
  );

  const renderShow = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: {
      saved?: string | null;
      problems?: FieldProblem[];
      values?: Record<string, string>;
    } = {},
  ) => {
    const data = await request.db(async (tx) => {
      const action = await findAction(tx, id);
      if (!action) return null;
      const links = await actionLinks(tx, id);
      const initiatives = await initiativeChoices(tx);
      const titles = new Map(initiatives.map((i) => [i.id, i.title]));
      return {
        action,
        items: links.items,
        aroseFrom: links.aroseFrom.map((r) => ({
          ...r,
          label: r.kind === 'initiatives.initiative' ? (titles.get(r.id) ?? r.id) : r.id,
        })),
        initiatives,
      };
    });
    if (!data) throw notFound();
    const { errorList, errors } = shown(request, extra.problems ?? []);
    const channels = new Set(data.items.map((i) => i.channel));
    return reply.code(extra.problems?.length ? 400 : 200).page('feedback/views/actions/show.njk', {
      ...data,
      channelCount: channels.size,
      aroseKinds: AROSE_FROM_KINDS,
      saved: extra.saved ?? null,
      values: extra.values ?? {},
      errorList,
      errors,
    });
  };

  app.get(
    '/staff/feedback/actions/:id',
    { ...guard('feedback:act'), schema: { querystring: SavedQuery } },
    async (request, reply) =>
      renderShow(request, reply, idParam(request), { saved: request.query.saved }),
  );

  app.get('/staff/feedback/actions/:id/edit', guard('feedback:act'), async (request, reply) => {
    const id = idParam(request);
    const data = await request.db(async (tx) => {
      const action = await findAction(tx, id);
      return action ? { action, items: (await actionLinks(tx, id)).items } : null;
    });
    if (!data) throw notFound();
    return renderForm(request, reply, {
      values: valuesOfAction(data.action),
      action: data.action,
      items: data.items,
    });
  });

  app.post(
    '/staff/feedback/actions/:id',
    { ...guard('feedback:act'), schema: { body: ActionBody } },
    async (request, reply) => {
      const id = idParam(request);
      const values = actionValues(request.body);
      const result = await request.db(async (tx) => {
        const action = await findAction(tx, id);
        if (!action) return null;
        const { items } = await actionLinks(tx, id);
        const specialisms = await specialismChoices(tx, request.language);
        const { problems, fields } = checkAction(
          action.status === 'done' ? { ...values, status: 'open' } : values,
          { specialisms: new Set(specialisms.map((s) => s.code)), quotable: quotableItems(items) },
        );
        if (!fields) return { ok: false as const, problems, action, items };
        await updateAction(tx, actorOf(request), action, fields);
        return { ok: true as const };
      });
      if (!result) throw notFound();
      if (!result.ok)
        return renderForm(request, reply, {
          values,
          action: result.action,
          items: result.items,
          problems: result.problems,
        });
      return reply.redirect(`/staff/feedback/actions/${id}?saved=updated`, 303);
    },
  );

  app.post(
    '/staff/feedback/actions/:id/items',
    { ...guard('feedback:act'), schema: { body: LinkBody } },
    async (request, reply) => {
      const id = idParam(request);
      const references = referencesIn(request.body.references);
      const result = await request.db(async (tx) => {
        const action = await findAction(tx, id);
        if (!action) return null;
        if (references.length === 0)
          return [{ field: 'references', key: 'feedback.actions.errors.referencesEmpty' }];
        const { found, missing } = await itemsByReferences(tx, references);
        if (missing.length)
          return [
            {
              field: 'references',
              key: 'feedback.actions.errors.referencesMissing',
              vars: { references: missing.join(', ') },
            },
          ];
        await answerItems(
          tx,
          actorOf(request),
          id,
          found.map((f) => f.id),
        );
        return [];
      });
      if (result === null) throw notFound();
      if (result.length)
        return renderShow(request, reply, id, {
          problems: result,
          values: { references: request.body.references ?? '' },
        });
      return reply.redirect(`/staff/feedback/actions/${id}?saved=linked`, 303);
    },
  );

  app.post(
    '/staff/feedback/actions/:id/unlink',
    { ...guard('feedback:act'), schema: { body: UnlinkBody } },
    async (request, reply) => {
      const id = idParam(request);
      const { kind, recordId, name } = request.body;
      const done = await request.db(async (tx) => {
        const action = await findAction(tx, id);
        if (!action || (name !== 'answers' && name !== 'arose-from') || !kind || !recordId)
          return false;
        return unlinkFromAction(tx, actorOf(request), id, name, { kind, id: recordId });
      });
      if (!done) throw notFound();
      return reply.redirect(`/staff/feedback/actions/${id}?saved=unlinked`, 303);
    },
  );

  app.post(
    '/staff/feedback/actions/:id/arose-from',
    { ...guard('feedback:act'), schema: { body: LinkBody } },
    async (request, reply) => {
      const id = idParam(request);
      const result = await request.db(async (tx) => {
        const action = await findAction(tx, id);
        if (!action) return null;
        return ariseFrom(tx, actorOf(request), id, {
          kind: request.body.kind ?? '',
          id: (request.body.recordId ?? '').trim(),
        });
      });
      if (result === null) throw notFound();
      if (result.length)
        return renderShow(request, reply, id, {
          problems: result,
          values: { kind: request.body.kind ?? '', recordId: request.body.recordId ?? '' },
        });
      return reply.redirect(`/staff/feedback/actions/${id}?saved=arose`, 303);
    },
  );

  app.post(
    '/staff/feedback/actions/:id/complete',
    { ...guard('feedback:act'), schema: { body: CompleteBody } },
    async (request, reply) => {
      const id = idParam(request);
      const outcome = longText(request.body.outcome);
      const result = await request.db(async (tx) => {
        const action = await findAction(tx, id);
        if (!action) return null;
        if (!outcome) return [{ field: 'outcome', key: 'feedback.actions.errors.outcome' }];
        if (outcome.length > 2000)
          return [
            {
              field: 'outcome',
              key: 'feedback.actions.errors.tooLong',
              vars: { max: 2000 },
              label: 'feedback.actions.fieldNames.outcome',
            },
          ];
        await completeAction(tx, actorOf(request), action, outcome, {
          today: todayInLondon(),
          baseUrl: request.publicBaseUrl,
        });
        return [];
      });
      if (result === null) throw notFound();
      if (result.length)
        return renderShow(request, reply, id, { problems: result, values: { outcome } });
      return reply.redirect(`/staff/feedback/actions/${id}?saved=done`, 303);
    },
  );

  // ------------------------------------------------------------------ closing the loop by hand

  app.get(
    '/staff/feedback/loop',
    { ...guard('feedback:act'), schema: { querystring: SavedQuery } },
    async (request, reply) => {
      const tasks = await request.db((tx) => loopTasks(tx));
      return reply.page('feedback/views/actions/loop.njk', {
        tasks,
        saved: request.query.saved ?? null,
      });
    },
  );

  app.post(
    '/staff/feedback/loop',
    { ...guard('feedback:act'), schema: { body: MarkSentBody } },
    async (request, reply) => {
      const done = await request.db((tx) =>
        markLoopSent(tx, actorOf(request), request.body.messageId ?? '', todayInLondon()),
      );
      if (!done) throw notFound();
      return reply.redirect('/staff/feedback/loop?saved=sent', 303);
    },
  );
};
