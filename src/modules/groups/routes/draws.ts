import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { suppressList } from '../../../platform/statistics/index.ts';
import { loadOptions } from '../../people/index.ts';
import { AppointDrawnForm, DoneQuery, DrawForm, DrawQuery } from '../elections-schemas.ts';
import {
  DRAW_DIMENSIONS,
  appointDrawn,
  checkDraw,
  drawOf,
  drawnPeople,
  makeDraw,
  poolFor,
  quotaCodes,
  quotaField,
  readDrawForm,
  shortfallsOf,
  type DrawDimension,
  type DrawnEntry,
  type PoolEntry,
} from '../draws.ts';
import { line, seatsOf, type GroupDetail } from '../groups.ts';
import { STAFF_THRESHOLD } from '../representation.ts';
import { codeLabels } from './elections.ts';
import { errorsOf, loadGroup } from './load.ts';

const isDimension = (value: string): value is DrawDimension =>
  (DRAW_DIMENSIONS as readonly string[]).includes(value);

/** A label for a code of a dimension: the register's words for types and specialisms, areas as they are. */
function labelOf(
  labels: ReturnType<typeof codeLabels>,
  dimension: string,
  code: string | null,
): string {
  if (code === null) return '';
  if (dimension === 'service_type') return labels.serviceType[code] ?? code;
  if (dimension === 'specialism') return labels.specialism[code] ?? code;
  return code;
}

/** Stratified random draws for seats filled by selection. */
export const drawRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  async function renderDrawForm(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    values: Record<string, string>,
    problems: FieldProblem[] = [],
  ) {
    const dimension = values.dimension ?? '';
    const data = await request.db(async (tx) => {
      const seats = (await seatsOf(tx, group.id)).filter((s) => s.fillBy === 'selection');
      const options = await loadOptions(tx);
      if (!isDimension(dimension)) return { seats, options, codes: [], pool: [] as PoolEntry[] };
      const seat = seats.find((s) => s.id === values.seatId) ?? seats[0];
      return {
        seats,
        options,
        codes: await quotaCodes(tx, dimension),
        pool: seat ? await poolFor(tx, group.id, seat, dimension) : [],
      };
    });
    const labels = codeLabels(data.options, request.language);
    const counts = data.codes.map((code) => data.pool.filter((p) => p.codes.includes(code)).length);
    const cells = counts.length > 0 ? suppressList(counts, STAFF_THRESHOLD).cells : [];
    const errors = errorsOf(request, problems);
    return reply.page('groups/views/staff/draw-form.njk', {
      group,
      values,
      dimension: isDimension(dimension) ? dimension : null,
      dimensions: DRAW_DIMENSIONS,
      seats: data.seats,
      quotas: data.codes.map((code, i) => ({
        code,
        field: quotaField(code),
        label: labelOf(labels, dimension, code),
        pool: cells[i]!,
      })),
      threshold: STAFF_THRESHOLD,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get(
    '/staff/groups/:id/draws/new',
    { ...guard('groups:manage'), schema: { querystring: DrawQuery } },
    async (request, reply) => {
      const group = await loadGroup(request);
      return renderDrawForm(request, reply, group, {
        dimension: line(request.query, 'dimension'),
        seatId: line(request.query, 'seatId'),
        size: '',
        seed: line(request.query, 'seed'),
      });
    },
  );

  app.post(
    '/staff/groups/:id/draws',
    { ...guard('groups:manage'), schema: { body: DrawForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const dimension = line(request.body, 'dimension');
      const known = await request.db(async (tx) => ({
        seatIds: new Set(
          (await seatsOf(tx, group.id)).filter((s) => s.fillBy === 'selection').map((s) => s.id),
        ),
        codes: isDimension(dimension) ? await quotaCodes(tx, dimension) : [],
      }));
      const form = readDrawForm(request.body, known);
      if (!form.fields)
        return renderDrawForm(request, reply.code(400), group, form.values, form.problems);
      const fields = form.fields;
      const made = await request.db((tx) => makeDraw(tx, actorOf(request), group.id, fields));
      if (!made) throw notFound();
      return reply.redirect(`/staff/groups/${group.id}/draws/${made.id}?done=drawn`, 303);
    },
  );

  async function renderDraw(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    drawId: string,
    extras: { done?: string | null; problems?: FieldProblem[] } = {},
  ) {
    const data = await request.db(async (tx) => {
      const draw = await drawOf(tx, group.id, drawId);
      if (!draw) return null;
      return {
        draw,
        seat: (await seatsOf(tx, group.id)).find((s) => s.id === draw.seatId) ?? null,
        people: await drawnPeople(tx, draw),
        options: await loadOptions(tx),
      };
    });
    if (!data) throw notFound();
    const labels = codeLabels(data.options, request.language);
    const quotas = data.draw.quotas as Record<string, number>;
    const errors = errorsOf(request, extras.problems ?? []);
    return reply.page('groups/views/staff/draw.njk', {
      group,
      draw: data.draw,
      seat: data.seat,
      poolSize: (data.draw.pool as PoolEntry[]).length,
      quotas: Object.keys(quotas)
        .sort()
        .map((code) => ({
          label: labelOf(labels, data.draw.dimension, code),
          wanted: quotas[code],
          drawn: (data.draw.drawn as DrawnEntry[]).filter((d) => d.quota === code).length,
        })),
      shortfalls: shortfallsOf(quotas, data.draw.drawn as DrawnEntry[]).map((s) => ({
        ...s,
        label: labelOf(labels, data.draw.dimension, s.code),
      })),
      people: data.people.map((p) => ({
        ...p,
        quotaLabel: labelOf(labels, data.draw.dimension, p.quota),
      })),
      checked: checkDraw(data.draw),
      section: 'filling',
      done: extras.done ?? null,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get(
    '/staff/groups/:id/draws/:drawId',
    { ...guard('groups:manage'), schema: { querystring: DoneQuery } },
    async (request, reply) => {
      const group = await loadGroup(request);
      return renderDraw(request, reply, group, idParam(request, 'drawId'), {
        done: request.query.done ?? null,
      });
    },
  );

  app.post(
    '/staff/groups/:id/draws/:drawId/appoint',
    { ...guard('groups:manage'), schema: { body: AppointDrawnForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const drawId = idParam(request, 'drawId');
      const personId = line(request.body, 'personId');
      const outcome = await request.db(async (tx) => {
        const draw = await drawOf(tx, group.id, drawId);
        if (!draw) return null;
        return appointDrawn(tx, actorOf(request), draw, personId, {
          baseUrl: request.publicBaseUrl,
        });
      });
      if (!outcome) throw notFound();
      if ('problems' in outcome)
        return renderDraw(request, reply.code(400), group, drawId, {
          problems: outcome.problems.map((p) => ({ ...p, field: `appoint-${personId}` })),
        });
      return reply.redirect(`/staff/groups/${group.id}/draws/${drawId}?done=appointed`, 303);
    },
  );
};
