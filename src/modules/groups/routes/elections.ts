import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE, guard } from '../../../platform/auth/index.ts';
import { dateInputValues, type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { TOKEN_PATTERN } from '../../../platform/http/link-tokens.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { organisationName } from '../../../platform/tenancy/index.ts';
import { listServices, loadOptions, optionLabelOnPage, type Options } from '../../people/index.ts';
import {
  CandidateForm,
  CastingForm,
  DoneQuery,
  ElectionForm,
  EmptyForm,
  PaperVoteForm,
  VoteForm,
} from '../elections-schemas.ts';
import {
  PublishProblem,
  addCandidate,
  candidatesOf,
  castOnline,
  castPaper,
  closeElection,
  createElection,
  electionOf,
  electionsOf,
  electorateSize,
  openElection,
  publishElection,
  readCandidateForm,
  readElectionForm,
  rollOf,
  ROLL_SHOWN,
  removeCandidate,
  settleCastingVote,
  votingPaper,
  type ElectionResult,
  type ElectionView,
} from '../elections.ts';
import { drawsOf } from '../draws.ts';
import { interviewsOf } from '../interviews.ts';
import { line, londonToday, many, seatsOf, type GroupDetail } from '../groups.ts';
import { errorsOf, loadGroup } from './load.ts';

/** Loads a body and one of its elections, or answers 404. */
async function loadElection(
  request: FastifyRequest,
): Promise<{ group: GroupDetail; election: ElectionView }> {
  const group = await loadGroup(request);
  const electionId = idParam(request, 'electionId');
  const election = await request.db((tx) => electionOf(tx, group.id, electionId));
  if (!election) throw notFound();
  return { group, election };
}

/** The lists the election form chooses from, in the reader's language. */
export function registerChoices(options: Options, language: string) {
  const of = (list: 'service_type' | 'specialism') =>
    options[list]
      .filter((o) => !o.retired)
      .map((o) => ({ value: o.code, text: optionLabelOnPage(options, list, o.code, language) }));
  return { serviceTypes: of('service_type'), specialisms: of('specialism') };
}

/** Labels for the register's codes, for pages that show them. */
export function codeLabels(options: Options, language: string) {
  const of = (list: 'service_type' | 'specialism') =>
    Object.fromEntries(
      options[list].map((o) => [o.code, optionLabelOnPage(options, list, o.code, language)]),
    );
  return { serviceType: of('service_type'), specialism: of('specialism') };
}

const tokenParam = (request: FastifyRequest): string => {
  const token = (request.params as Record<string, string>).token ?? '';
  if (!TOKEN_PATTERN.test(token)) return '';
  return token;
};

/** Staff run elections to a body's seats; electors vote by their link, with no sign-in. */
export const electionRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  async function renderElectionForm(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    values: Record<string, unknown>,
    problems: FieldProblem[] = [],
  ) {
    const data = await request.db(async (tx) => ({
      seats: (await seatsOf(tx, group.id)).filter((s) => s.fillBy === 'election'),
      services: await listServices(tx),
      options: await loadOptions(tx),
    }));
    const errors = errorsOf(request, problems);
    return reply.page('groups/views/staff/election-form.njk', {
      group,
      values,
      seats: data.seats,
      services: data.services,
      ...registerChoices(data.options, request.language),
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/staff/groups/:id/elections/new', guard('groups:manage'), async (request, reply) => {
    const group = await loadGroup(request);
    return renderElectionForm(request, reply, group, {
      places: '1',
      eligibleServiceIds: [],
      eligibleServiceTypes: [],
      eligibleSpecialisms: [],
      ...dateInputValues('closesOn', null),
    });
  });

  app.post(
    '/staff/groups/:id/elections',
    { ...guard('groups:manage'), schema: { body: ElectionForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const known = await request.db(async (tx) => {
        const options = await loadOptions(tx);
        return {
          seatIds: new Set(
            (await seatsOf(tx, group.id)).filter((s) => s.fillBy === 'election').map((s) => s.id),
          ),
          serviceIds: new Set((await listServices(tx)).map((s) => s.id)),
          serviceTypes: new Set(options.service_type.map((o) => o.code)),
          specialisms: new Set(options.specialism.map((o) => o.code)),
        };
      });
      const form = readElectionForm(request.body, known);
      if (!form.fields)
        return renderElectionForm(request, reply.code(400), group, form.values, form.problems);
      const fields = form.fields;
      const id = await request.db((tx) => createElection(tx, actorOf(request), group.id, fields));
      if (!id) throw notFound();
      return reply.redirect(`/staff/groups/${group.id}/elections/${id}?done=created`, 303);
    },
  );

  async function renderElection(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    election: ElectionView,
    extras: {
      done?: string | null;
      problems?: FieldProblem[];
      candidateValues?: Record<string, string>;
      paperValues?: Record<string, unknown>;
      form?: 'candidate' | 'paper' | 'casting' | 'publish' | 'open';
    } = {},
  ) {
    const data = await request.db(async (tx) => ({
      candidates: await candidatesOf(tx, election.id),
      rollSize: election.status === 'draft' ? await electorateSize(tx, election) : null,
      roll: await rollOf(tx, election),
      services: await listServices(tx),
      options: await loadOptions(tx),
    }));
    const errors = errorsOf(request, extras.problems ?? []);
    const result = election.result as ElectionResult | null;
    const byId = new Map(data.candidates.map((c) => [c.id, c]));
    return reply.page('groups/views/staff/election.njk', {
      group,
      election,
      candidates: data.candidates,
      rollSize: data.rollSize,
      roll: data.roll,
      rollShown: ROLL_SHOWN,
      serviceNames: Object.fromEntries(data.services.map((s) => [s.id, s.name])),
      labels: codeLabels(data.options, request.language),
      result,
      counted: result
        ? result.counts.map((c) => ({
            ...c,
            name: byId.get(c.candidateId)?.name ?? '',
            elected: result.elected.includes(c.candidateId),
            tied: result.tie?.candidateIds.includes(c.candidateId) ?? false,
          }))
        : [],
      tied: result?.tie ? result.tie.candidateIds.map((id) => byId.get(id)).filter(Boolean) : [],
      chosenNames: result?.tie ? result.tie.chosen.map((id) => byId.get(id)?.name ?? '') : [],
      section: 'filling',
      done: extras.done ?? null,
      errorForm: extras.form ?? null,
      candidateValues: extras.candidateValues ?? {},
      paperValues: extras.paperValues ?? { choice: [] },
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get(
    '/staff/groups/:id/elections/:electionId',
    { ...guard('groups:manage'), schema: { querystring: DoneQuery } },
    async (request, reply) => {
      const { group, election } = await loadElection(request);
      return renderElection(request, reply, group, election, { done: request.query.done ?? null });
    },
  );

  app.post(
    '/staff/groups/:id/elections/:electionId/candidates',
    { ...guard('groups:manage'), schema: { body: CandidateForm } },
    async (request, reply) => {
      const { group, election } = await loadElection(request);
      const form = readCandidateForm(request.body);
      const outcome =
        form.problems.length > 0
          ? { problems: form.problems }
          : await request.db((tx) => addCandidate(tx, actorOf(request), election, form.values));
      if ('problems' in outcome)
        return renderElection(request, reply.code(400), group, election, {
          problems: outcome.problems,
          candidateValues: form.values,
          form: 'candidate',
        });
      return reply.redirect(
        `/staff/groups/${group.id}/elections/${election.id}?done=candidate`,
        303,
      );
    },
  );

  app.post(
    '/staff/groups/:id/elections/:electionId/candidates/:candidateId/remove',
    { ...guard('groups:manage'), schema: { body: EmptyForm } },
    async (request, reply) => {
      const { group, election } = await loadElection(request);
      const candidateId = idParam(request, 'candidateId');
      const removed = await request.db((tx) =>
        removeCandidate(tx, actorOf(request), election, candidateId),
      );
      if (!removed) throw notFound();
      return reply.redirect(
        `/staff/groups/${group.id}/elections/${election.id}?done=candidateRemoved`,
        303,
      );
    },
  );

  app.post(
    '/staff/groups/:id/elections/:electionId/open',
    { ...guard('groups:manage'), schema: { body: EmptyForm } },
    async (request, reply) => {
      const { group, election } = await loadElection(request);
      const outcome = await request.db((tx) =>
        openElection(tx, actorOf(request), election, {
          baseUrl: request.publicBaseUrl,
          organisationName: organisationName(request.organisation, 'en'),
          groupTitle: group.title,
        }),
      );
      if ('problem' in outcome)
        return renderElection(request, reply.code(400), group, election, {
          problems: [{ field: 'open', key: outcome.problem }],
          form: 'open',
        });
      return reply.redirect(`/staff/groups/${group.id}/elections/${election.id}?done=opened`, 303);
    },
  );

  app.post(
    '/staff/groups/:id/elections/:electionId/paper',
    { ...guard('groups:manage'), schema: { body: PaperVoteForm } },
    async (request, reply) => {
      const { group, election } = await loadElection(request);
      const input = {
        who: line(request.body, 'who'),
        choices: many(request.body, 'choice'),
        spoilt: line(request.body, 'spoilt') === 'yes',
      };
      const outcome = await request.db((tx) => castPaper(tx, actorOf(request), election, input));
      if (outcome !== 'counted')
        return renderElection(request, reply.code(400), group, election, {
          problems: outcome.problems,
          paperValues: {
            who: input.who,
            choice: input.choices,
            spoilt: input.spoilt ? 'yes' : '',
          },
          form: 'paper',
        });
      return reply.redirect(`/staff/groups/${group.id}/elections/${election.id}?done=paper`, 303);
    },
  );

  app.post(
    '/staff/groups/:id/elections/:electionId/close',
    { ...guard('groups:manage'), schema: { body: EmptyForm } },
    async (request, reply) => {
      const { group, election } = await loadElection(request);
      const result = await request.db((tx) => closeElection(tx, actorOf(request), election));
      if (!result) throw notFound();
      return reply.redirect(`/staff/groups/${group.id}/elections/${election.id}?done=closed`, 303);
    },
  );

  app.post(
    '/staff/groups/:id/elections/:electionId/casting',
    { ...guard('groups:manage'), schema: { body: CastingForm } },
    async (request, reply) => {
      const { group, election } = await loadElection(request);
      const chosen = many(request.body, 'choice');
      const outcome = await request.db((tx) =>
        settleCastingVote(tx, actorOf(request), election, chosen),
      );
      if (outcome !== 'settled') {
        const places = (election.result as ElectionResult | null)?.tie?.places ?? 1;
        return renderElection(request, reply.code(400), group, election, {
          problems: [
            { field: 'casting', key: 'groups.elections.errors.casting', vars: { count: places } },
          ],
          form: 'casting',
        });
      }
      return reply.redirect(`/staff/groups/${group.id}/elections/${election.id}?done=casting`, 303);
    },
  );

  app.post(
    '/staff/groups/:id/elections/:electionId/publish',
    { ...guard('groups:manage'), schema: { body: EmptyForm } },
    async (request, reply) => {
      const { group, election } = await loadElection(request);
      try {
        await request.db((tx) =>
          publishElection(tx, actorOf(request), election, { baseUrl: request.publicBaseUrl }),
        );
      } catch (error) {
        if (!(error instanceof PublishProblem)) throw error;
        return renderElection(request, reply.code(400), group, election, {
          problems: error.problems,
          form: 'publish',
        });
      }
      return reply.redirect(
        `/staff/groups/${group.id}/elections/${election.id}?done=published`,
        303,
      );
    },
  );

  // Voting, by the link in the elector's email: no sign-in ---------------------

  const kindPage = (reply: FastifyReply, state: 'unknown' | 'closed') =>
    reply.page('groups/views/public/vote-gone.njk', { state });

  async function renderVote(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    problems: FieldProblem[] = [],
    chosen: string[] = [],
  ) {
    const paper = await request.db((tx) => votingPaper(tx, token, londonToday()));
    if (typeof paper === 'string') return kindPage(reply, paper);
    const errors = errorsOf(request, problems);
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    return reply.page('groups/views/public/vote.njk', {
      election: paper.election,
      groupTitle: paper.groupTitle,
      candidates: paper.candidates,
      chosen,
      action: `/vote/${token}`,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/vote/thanks', PUBLIC_ROUTE, async (_request, reply) =>
    reply.header('cache-control', 'no-store').page('groups/views/public/vote-thanks.njk', {}),
  );

  app.get('/vote/:token', PUBLIC_ROUTE, async (request, reply) => {
    const token = tokenParam(request);
    if (!token) return kindPage(reply, 'unknown');
    return renderVote(request, reply, token);
  });

  app.post(
    '/vote/:token',
    { ...PUBLIC_ROUTE, schema: { body: VoteForm } },
    async (request, reply) => {
      const token = tokenParam(request);
      if (!token) return kindPage(reply, 'unknown');
      const choices = many(request.body, 'choice');
      const outcome = await request.db((tx) => castOnline(tx, token, choices));
      if (outcome === 'counted') return reply.redirect('/vote/thanks', 303);
      if (outcome === 'unknown' || outcome === 'closed') return kindPage(reply, outcome);
      const paper = await request.db((tx) => votingPaper(tx, token));
      const places = typeof paper === 'string' ? 1 : paper.election.places;
      return renderVote(
        request,
        reply.code(400),
        token,
        [
          {
            field: 'choice',
            key: outcome === 'too-many' ? 'groups.vote.errors.tooMany' : 'groups.vote.errors.none',
            vars: { count: places },
          },
        ],
        choices,
      );
    },
  );

  // The hub: how a body's seats are being filled ------------------------------

  app.get('/staff/groups/:id/filling', guard('groups:manage'), async (request, reply) => {
    const group = await loadGroup(request);
    const data = await request.db(async (tx) => ({
      seats: await seatsOf(tx, group.id),
      elections: await electionsOf(tx, group.id),
      draws: await drawsOf(tx, group.id),
      interviews: await interviewsOf(tx, group.id),
    }));
    return reply.page('groups/views/staff/filling.njk', {
      group,
      ...data,
      section: 'filling',
    });
  });
};
