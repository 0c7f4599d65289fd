import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { dateInputValues, type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import {
  DecideForm,
  DoneQuery,
  InterviewCandidateForm,
  InterviewForm,
  PanellistForm,
  ScoresForm,
} from '../elections-schemas.ts';
import { line, londonToday, paragraph, seatsOf, type GroupDetail } from '../groups.ts';
import {
  SCORES,
  addInterviewCandidate,
  addPanellist,
  createInterview,
  decideInterview,
  interviewOf,
  noteField,
  panelSheet,
  readInterviewForm,
  recordScores,
  scoreField,
  type InterviewView,
} from '../interviews.ts';
import { errorsOf, loadGroup } from './load.ts';

async function loadInterview(
  request: FastifyRequest,
): Promise<{ group: GroupDetail; interview: InterviewView }> {
  const group = await loadGroup(request);
  const interviewId = idParam(request, 'interviewId');
  const interview = await request.db((tx) => interviewOf(tx, group.id, interviewId));
  if (!interview) throw notFound();
  return { group, interview };
}

/** Interview panels for seats filled by interview. */
export const interviewRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  async function renderInterviewForm(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    values: Record<string, string>,
    problems: FieldProblem[] = [],
  ) {
    const seats = await request.db(async (tx) =>
      (await seatsOf(tx, group.id)).filter((s) => s.fillBy === 'interview'),
    );
    const errors = errorsOf(request, problems);
    return reply.page('groups/views/staff/interview-form.njk', {
      group,
      values,
      seats,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/staff/groups/:id/interviews/new', guard('groups:manage'), async (request, reply) => {
    const group = await loadGroup(request);
    return renderInterviewForm(request, reply, group, {
      ...dateInputValues('heldOn', londonToday()),
    });
  });

  app.post(
    '/staff/groups/:id/interviews',
    { ...guard('groups:manage'), schema: { body: InterviewForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const seatIds = await request.db(
        async (tx) =>
          new Set(
            (await seatsOf(tx, group.id)).filter((s) => s.fillBy === 'interview').map((s) => s.id),
          ),
      );
      const form = readInterviewForm(request.body, seatIds);
      if (!form.fields)
        return renderInterviewForm(request, reply.code(400), group, form.values, form.problems);
      const fields = form.fields;
      const id = await request.db((tx) => createInterview(tx, actorOf(request), group.id, fields));
      if (!id) throw notFound();
      return reply.redirect(`/staff/groups/${group.id}/interviews/${id}?done=created`, 303);
    },
  );

  async function renderInterview(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    interview: InterviewView,
    extras: {
      done?: string | null;
      problems?: FieldProblem[];
      values?: Record<string, string>;
    } = {},
  ) {
    const sheet = await request.db((tx) => panelSheet(tx, interview.id));
    const errors = errorsOf(request, extras.problems ?? []);
    return reply.page('groups/views/staff/interview.njk', {
      group,
      interview,
      sheet,
      scores: SCORES,
      fields: Object.fromEntries(
        sheet.candidates.map((c) => [c.id, { score: scoreField(c.id), note: noteField(c.id) }]),
      ),
      values: extras.values ?? {},
      section: 'filling',
      done: extras.done ?? null,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  const base = '/staff/groups/:id/interviews/:interviewId';
  const back = (group: GroupDetail, interview: InterviewView, done: string) =>
    `/staff/groups/${group.id}/interviews/${interview.id}?done=${done}`;

  app.get(
    base,
    { ...guard('groups:manage'), schema: { querystring: DoneQuery } },
    async (request, reply) => {
      const { group, interview } = await loadInterview(request);
      return renderInterview(request, reply, group, interview, {
        done: request.query.done ?? null,
      });
    },
  );

  app.post(
    `${base}/panel`,
    { ...guard('groups:manage'), schema: { body: PanellistForm } },
    async (request, reply) => {
      const { group, interview } = await loadInterview(request);
      const who = line(request.body, 'panellist');
      const outcome = await request.db((tx) => addPanellist(tx, actorOf(request), interview, who));
      if (outcome !== 'added')
        return renderInterview(request, reply.code(400), group, interview, {
          problems: outcome.problems,
          values: { panellist: who },
        });
      return reply.redirect(back(group, interview, 'panellist'), 303);
    },
  );

  app.post(
    `${base}/candidates`,
    { ...guard('groups:manage'), schema: { body: InterviewCandidateForm } },
    async (request, reply) => {
      const { group, interview } = await loadInterview(request);
      const who = line(request.body, 'candidate');
      const outcome = await request.db((tx) =>
        addInterviewCandidate(tx, actorOf(request), interview, who),
      );
      if (outcome !== 'added')
        return renderInterview(request, reply.code(400), group, interview, {
          problems: outcome.problems,
          values: { candidate: who },
        });
      return reply.redirect(back(group, interview, 'candidate'), 303);
    },
  );

  app.post(
    `${base}/scores`,
    { ...guard('groups:manage'), schema: { body: ScoresForm } },
    async (request, reply) => {
      const { group, interview } = await loadInterview(request);
      const outcome = await request.db((tx) =>
        recordScores(tx, actorOf(request), interview, request.body),
      );
      if (outcome !== 'saved')
        return renderInterview(request, reply.code(400), group, interview, outcome);
      return reply.redirect(back(group, interview, 'scores'), 303);
    },
  );

  app.post(
    `${base}/decide`,
    { ...guard('groups:manage'), schema: { body: DecideForm } },
    async (request, reply) => {
      const { group, interview } = await loadInterview(request);
      const input = {
        candidateId: line(request.body, 'candidateId'),
        note: paragraph(request.body, 'decisionNote'),
      };
      const outcome = await request.db((tx) =>
        decideInterview(tx, actorOf(request), interview, input, {
          baseUrl: request.publicBaseUrl,
        }),
      );
      if (outcome !== 'decided')
        return renderInterview(request, reply.code(400), group, interview, {
          problems: outcome.problems,
          values: { candidateId: input.candidateId, decisionNote: input.note },
        });
      return reply.redirect(back(group, interview, 'decided'), 303);
    },
  );
};
