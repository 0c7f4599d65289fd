import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE, guard } from '../../../platform/auth/index.ts';
import { UUID, idParam, notFound, pageParam } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { todayInLondon, workDays } from '../../../platform/calendar/index.ts';
import { formErrors, formText } from '../../../platform/views/forms.ts';
import {
  dateInputValues,
  readDateInput,
  type FieldProblem,
} from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import {
  ActivityForm,
  ActivityListQuery,
  ActivityShowQuery,
  InitiativeQuery,
  InvitationsForm,
  InviteListForm,
  InvitePeopleForm,
  InviteSearchQuery,
  LadderProfileQuery,
  RegisterForm,
  RsvpForm,
  RsvpParams,
  RsvpQuery,
} from '../schemas.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import {
  findPeople,
  loadOptions,
  optionLabelOnPage,
  savedListMembers,
  savedListsFor,
  type Options,
} from '../../people/index.ts';
import {
  ATTENDANCE_STATUSES,
  RSVP_ANSWERS,
  acceptedSignUps,
  activityById,
  activityRoster,
  createActivity,
  RegisterRefused,
  registerRefusal,
  durationHours,
  initiativeChoices,
  inviteToActivity,
  invitationByToken,
  peopleOnRegister,
  type ActivityListPage,
  type InviteOutcome,
  type RsvpView,
  listActivities,
  loadActivityPage,
  readActivityForm,
  recordAnswers,
  recordRsvp,
  resolveReferences,
  saveAttendance,
  takesAnswers,
  updateActivity,
  valuesFromActivity,
  whenText,
  whereText,
  type ActivityValues,
  type AttendanceEntry,
  type AttendanceStatus,
  type RsvpAnswer,
} from '../activities.ts';
import {
  PROFILE_MEASURES,
  chartOf,
  currentFinancialYear,
  ladderProfile,
  type ProfileMeasure,
} from '../ladder-profile.ts';
// Participation's part in each person's timeline, subject access, merge and erasure.
import { computeRewardsForActivity } from '../rewards.ts';

const one = formText;

/** What the activity form chooses from: initiatives (closed ones only when already chosen) and kinds. */
async function formChoices(
  request: FastifyRequest,
  current?: { initiativeId: string; kind: string },
) {
  const { initiatives, options } = await request.db(async (tx) => ({
    initiatives: await initiativeChoices(tx),
    options: await loadOptions(tx),
  }));
  return {
    initiatives: initiatives.filter((i) => i.status !== 'closed' || i.id === current?.initiativeId),
    kinds: options.activity_kind.filter((k) => !k.retired || k.code === current?.kind),
  };
}

type Choices = Awaited<ReturnType<typeof formChoices>>;

function renderForm(
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    choices: Choices;
    values: ActivityValues;
    activityId?: string;
    problems?: Record<string, string>;
  },
) {
  const errors = formErrors(
    translator(request.language, request.translations),
    data.problems ?? {},
  );
  return reply.page('participation/views/activities/form.njk', {
    ...data.choices,
    values: data.values,
    activityId: data.activityId ?? null,
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
  });
}

interface PageExtras {
  inviteReferences?: string;
  inviteErrors?: Array<{ text: string; href: string }>;
  attendanceValues?: Record<string, string>;
  attendanceErrors?: Record<string, string> | FieldProblem[];
  flash?: Record<string, string>;
}

/** The activity page: details, needs summed, invitations, contact list and register. */
async function renderActivity(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  extras: PageExtras = {},
) {
  const data = await request.db(async (tx) => {
    const page = await loadActivityPage(tx, id);
    return page && { ...page, options: await loadOptions(tx) };
  });
  if (!data) throw notFound();
  const tr = translator(request.language, request.translations);
  const { activity } = data;
  const attendanceErrors = formErrors(tr, extras.attendanceErrors ?? {});
  const length = durationHours(activity.startsAt, activity.endsAt);
  const typed = extras.attendanceValues;
  // What each row of the register shows: as typed when the form comes back, else as saved.
  const register = data.roster.map((r) => {
    const back = typed !== undefined && `status-${r.id}` in typed;
    return {
      ...r,
      name: `${r.firstName} ${r.lastName}`.trim(),
      status: back ? typed[`status-${r.id}`] : (r.attendance ?? ''),
      roleValue: back ? typed[`role-${r.id}`] : (r.role ?? ''),
      hoursValue: back
        ? typed[`hours-${r.id}`]
        : r.attendance === 'attended' && r.hours !== null && r.hours !== length
          ? String(r.hours)
          : '',
    };
  });
  return reply.page('participation/views/activities/show.njk', {
    ...data,
    register,
    kindLabel: optionLabelOnPage(data.options, 'activity_kind', activity.kind, request.language),
    when: whenText(activity, request.language),
    where: whereText(activity, request.language),
    length,
    invited: data.roster.filter((r) => r.invitationId),
    byPhoneOrLetter: data.roster.filter((r) => r.invitationId && !r.byEmail),
    yesCount: data.roster.filter((r) => r.rsvp === 'yes').length,
    statuses: ATTENDANCE_STATUSES,
    // Before the activity starts there is no register to take: the page says when there is.
    registerRefused: registerRefusal(activity, request.language),
    inviteReferences: extras.inviteReferences ?? '',
    errorList: [...(extras.inviteErrors ?? []), ...(attendanceErrors?.errorList ?? [])],
    inviteError: extras.inviteErrors?.length
      ? { text: tr.text('activities.invite.problem') }
      : null,
    attendanceErrors: attendanceErrors?.errors ?? {},
    attendanceValues: extras.attendanceValues ?? {},
    flash: extras.flash ?? {},
  });
}

/** The success messages a redirect carries back to the activity page. */
function flashFrom(query: Record<string, unknown>): Record<string, string> {
  const flash: Record<string, string> = {};
  for (const key of [
    'saved',
    'created',
    'invited',
    'emailed',
    'phone',
    'already',
    'dnc',
    'attendance',
    'answers',
  ])
    if (typeof query[key] === 'string' && /^\d{1,6}$/.test(query[key] as string))
      flash[key] = query[key] as string;
  return flash;
}

/** Activities, invitations, RSVP, reminders, attendance and hours (issue 5 §6, §8, §9). */

/**
 * What the RSVP page shows of an invitation, for the emailed link and the
 * customer's own page alike (each adds where its form posts).
 */
export function rsvpPage(
  request: FastifyRequest,
  view: RsvpView,
  options: Options,
  extras: { error?: boolean; done?: boolean },
) {
  const errors = extras.error
    ? formErrors(translator(request.language, request.translations), { answer: 'rsvp.error' })
    : null;
  return {
    firstName: view.firstName,
    rsvp: view.rsvp,
    activity: view.activity,
    kindLabel: optionLabelOnPage(options, 'activity_kind', view.activity.kind, request.language),
    when: whenText(view.activity, request.language),
    where: whereText({ ...view.activity, onlineLink: null }, request.language),
    onlineLink: view.activity.onlineLink,
    open: takesAnswers(view.activity),
    cancelled: view.activity.status === 'cancelled',
    done: extras.done ?? false,
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
  };
}

/** Back to the activity's invitations, with what inviting did. */
function invitedUrl(id: string, outcome: InviteOutcome): string {
  return `/staff/activities/${id}?invited=${outcome.invited}&emailed=${outcome.emailed}&phone=${outcome.byPhoneOrLetter}&already=${outcome.already}&dnc=${outcome.doNotContact}#invitations`;
}

/**
 * The invite page: the register searched by name (the people page's
 * typo-tolerant search) with a tick box a person, and the saved lists of the
 * people page. Plain GET and POST forms, so it works without JavaScript.
 */
async function renderInvitePage(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  extras: {
    q?: string;
    ticked?: string[];
    errors?: Array<{ text: string; href: string }>;
    listId?: string;
  } = {},
) {
  const q = (extras.q ?? '').trim().slice(0, 100);
  const userId = request.user!.id;
  const data = await request.db(async (tx) => {
    const activity = await activityById(tx, id);
    if (!activity) return null;
    const found = q ? await findPeople(tx, q) : { rows: [], total: 0 };
    const lists = await savedListsFor(tx, userId);
    const roster = await activityRoster(tx, id);
    return { activity, found, lists, roster };
  });
  if (!data) throw notFound();
  const tr = translator(request.language, request.translations);
  const invited = new Set(data.roster.filter((r) => r.invitationId).map((r) => r.id));
  const ticked = new Set(extras.ticked ?? []);
  const errors = extras.errors ?? [];
  const errorFor = (href: string) => {
    const found = errors.find((e) => e.href === href);
    return found ? { text: found.text } : null;
  };
  return reply.page('participation/views/activities/invite.njk', {
    activity: data.activity,
    q,
    total: data.found.total,
    results: data.found.rows.map((p) => {
      const name = `${p.firstName} ${p.lastName}`.trim();
      const details = [p.reference, p.postcode].filter(Boolean);
      if (p.preferredName && p.preferredName !== p.firstName)
        details.unshift(tr.text('activities.invitePage.knownAs', { name: p.preferredName }));
      if (invited.has(p.id)) details.push(tr.text('activities.invitePage.alreadyInvited'));
      return {
        value: p.id,
        text: name,
        hint: { text: details.join(' · ') },
        checked: ticked.has(p.id),
      };
    }),
    lists: data.lists.map((l) => ({ value: l.id, text: l.name, checked: l.id === extras.listId })),
    errorList: errors,
    peopleError: errorFor('#personId'),
    listError: errorFor('#listId'),
  });
}

export const activityRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/staff/activities',
    { ...guard('participation:manage'), schema: { querystring: ActivityListQuery } },
    async (request, reply) => {
      const query = request.query;
      const initiative = one(query.initiative);
      const initiativeId = UUID.test(initiative) ? initiative : undefined;
      const waiting = one(query.waiting) === 'unanswered' ? 'unanswered' : '';
      const unansweredBy = waiting ? workDays(todayInLondon()).weekEnd : undefined;
      const data = await request.db(async (tx) => ({
        ...(await listActivities(
          tx,
          { initiativeId, unansweredBy },
          { upcoming: pageParam(query.upcomingPage), past: pageParam(query.pastPage) },
        )),
        initiatives: await initiativeChoices(tx),
        options: await loadOptions(tx),
      }));
      // A page link keeps the filters and the other table's page.
      const link = (table: 'upcoming' | 'past', page: number) => {
        const pages = {
          upcoming: table === 'upcoming' ? page : data.upcoming.page,
          past: table === 'past' ? page : data.past.page,
        };
        const params = new URLSearchParams();
        if (initiativeId) params.set('initiative', initiativeId);
        if (waiting) params.set('waiting', waiting);
        if (pages.upcoming > 1) params.set('upcomingPage', String(pages.upcoming));
        if (pages.past > 1) params.set('pastPage', String(pages.past));
        const search = params.toString();
        return `/staff/activities${search ? `?${search}` : ''}#${table}`;
      };
      const table = (name: 'upcoming' | 'past', list: ActivityListPage) => ({
        ...list,
        rows: list.rows.map((row) => ({
          ...row,
          when: whenText(
            { startsAt: new Date(row.startsAt), endsAt: new Date(row.endsAt) },
            request.language,
          ),
        })),
        previous: list.page > 1 ? link(name, list.page - 1) : null,
        next: list.page < list.pages ? link(name, list.page + 1) : null,
        current: link(name, list.page),
      });
      return reply.page('participation/views/activities/list.njk', {
        initiatives: data.initiatives,
        options: data.options,
        upcoming: table('upcoming', data.upcoming),
        past: table('past', data.past),
        initiativeId: initiativeId ?? '',
        waiting,
      });
    },
  );

  app.get(
    '/staff/activities/new',
    { ...guard('participation:manage'), schema: { querystring: InitiativeQuery } },
    async (request, reply) => {
      const query = request.query;
      const choices = await formChoices(request);
      const initiative = one(query.initiative);
      return renderForm(request, reply, {
        choices,
        values: {
          initiativeId: choices.initiatives.some((i) => i.id === initiative) ? initiative : '',
        },
      });
    },
  );

  app.post(
    '/staff/activities',
    { ...guard('participation:manage'), schema: { body: ActivityForm } },
    async (request, reply) => {
      const body = request.body;
      const choices = await formChoices(request);
      const form = readActivityForm(body, {
        initiativeIds: new Set(choices.initiatives.map((i) => i.id)),
        kinds: new Set(choices.kinds.filter((k) => !k.retired).map((k) => k.code)),
      });
      if (!form.fields)
        return renderForm(request, reply.code(400), {
          choices,
          values: form.values,
          problems: form.problems,
        });
      const fields = form.fields;
      const id = await request.db((tx) =>
        createActivity(tx, actorOf(request), fields, { baseUrl: request.publicBaseUrl }),
      );
      return reply.redirect(`/staff/activities/${id}?created=1`, 303);
    },
  );

  app.get(
    '/staff/activities/:id',
    { ...guard('participation:manage'), schema: { querystring: ActivityShowQuery } },
    async (request, reply) => {
      const id = idParam(request);
      return renderActivity(request, reply, id, {
        flash: flashFrom(request.query),
      });
    },
  );

  app.get('/staff/activities/:id/edit', guard('participation:manage'), async (request, reply) => {
    const id = idParam(request);
    const activity = await request.db((tx) => activityById(tx, id));
    if (!activity) throw notFound();
    const choices = await formChoices(request, activity);
    return renderForm(request, reply, {
      choices,
      values: valuesFromActivity(activity),
      activityId: id,
    });
  });

  app.post(
    '/staff/activities/:id',
    { ...guard('participation:manage'), schema: { body: ActivityForm } },
    async (request, reply) => {
      const id = idParam(request);
      const activity = await request.db((tx) => activityById(tx, id));
      if (!activity) throw notFound();
      const body = request.body;
      const choices = await formChoices(request, activity);
      const form = readActivityForm(body, {
        initiativeIds: new Set(choices.initiatives.map((i) => i.id)),
        kinds: new Set(choices.kinds.map((k) => k.code)),
      });
      if (!form.fields)
        return renderForm(request, reply.code(400), {
          choices,
          values: form.values,
          activityId: id,
          problems: form.problems,
        });
      const fields = form.fields;
      const saved = await request.db((tx) =>
        updateActivity(tx, actorOf(request), id, fields, { baseUrl: request.publicBaseUrl }),
      );
      if (!saved) throw notFound();
      return reply.redirect(`/staff/activities/${id}?saved=1`, 303);
    },
  );

  /** Invites people by reference, one a line; all or nothing when a line names no one. */
  app.post(
    '/staff/activities/:id/invitations',
    { ...guard('participation:manage'), schema: { body: InvitationsForm } },
    async (request, reply) => {
      const id = idParam(request);
      const body = request.body;
      const references = typeof body.references === 'string' ? body.references : '';
      const tr = translator(request.language, request.translations);
      const outcome = await request.db(async (tx) => {
        if (!(await activityById(tx, id))) return 'missing' as const;
        const found = await resolveReferences(tx, references);
        if (found.ids.length === 0 && found.unknown.length === 0) return 'empty' as const;
        if (found.unknown.length > 0) return found;
        return inviteToActivity(tx, actorOf(request), id, found.ids, {
          baseUrl: request.publicBaseUrl,
        });
      });
      if (outcome === 'missing' || outcome === null) throw notFound();
      if (outcome === 'empty')
        return renderActivity(request, reply.code(400), id, {
          inviteReferences: references,
          inviteErrors: [{ text: tr.text('activities.invite.errors.empty'), href: '#references' }],
        });
      if ('unknown' in outcome)
        return renderActivity(request, reply.code(400), id, {
          inviteReferences: references,
          inviteErrors: outcome.unknown.slice(0, 50).map((u) => ({
            text: tr.text('activities.invite.errors.unknown', {
              line: u.line,
              reference: u.reference,
            }),
            href: '#references',
          })),
        });
      return reply.redirect(invitedUrl(id, outcome), 303);
    },
  );

  /** The invite page: search the register by name, tick people, or choose a saved list. */
  app.get(
    '/staff/activities/:id/invite',
    { ...guard('participation:manage'), schema: { querystring: InviteSearchQuery } },
    async (request, reply) => {
      const id = idParam(request);
      return renderInvitePage(request, reply, id, { q: one(request.query.q) });
    },
  );

  /**
   * Invites the people ticked on the invite page. Every id is looked up on
   * this organisation's register; one that is not there (another
   * organisation's, or erased since) stops the whole post with a message.
   */
  app.post(
    '/staff/activities/:id/invitations/people',
    { ...guard('participation:manage'), schema: { body: InvitePeopleForm } },
    async (request, reply) => {
      const id = idParam(request);
      const { personId, q } = request.body;
      const tr = translator(request.language, request.translations);
      const outcome = await request.db(async (tx) => {
        if (!(await activityById(tx, id))) return 'missing' as const;
        if (personId.length === 0) return 'none' as const;
        const found = await peopleOnRegister(tx, personId.slice(0, 500));
        if (found.unknown.length > 0 || personId.length > 500)
          return { refused: found.unknown.length || 1 };
        return inviteToActivity(tx, actorOf(request), id, found.known, {
          baseUrl: request.publicBaseUrl,
        });
      });
      if (outcome === 'missing' || outcome === null) throw notFound();
      if (outcome === 'none' || 'refused' in outcome)
        return renderInvitePage(request, reply.code(400), id, {
          q,
          ticked: personId,
          errors: [
            {
              text:
                outcome === 'none'
                  ? tr.text('activities.invitePage.errors.none')
                  : tr.text('activities.invitePage.errors.notOnRegister', {
                      count: outcome.refused,
                    }),
              href: '#personId',
            },
          ],
        });
      return reply.redirect(invitedUrl(id, outcome), 303);
    },
  );

  /** Invites everyone on a saved list of the people page, as its filter finds them now. */
  app.post(
    '/staff/activities/:id/invitations/list',
    { ...guard('participation:manage'), schema: { body: InviteListForm } },
    async (request, reply) => {
      const id = idParam(request);
      const listId = one(request.body.listId);
      const tr = translator(request.language, request.translations);
      const userId = request.user!.id;
      const outcome = await request.db(async (tx) => {
        if (!(await activityById(tx, id))) return 'missing' as const;
        if (!listId) return { problem: tr.text('activities.invitePage.errors.noList') };
        const list = await savedListMembers(tx, listId, userId);
        if (!list) return { problem: tr.text('activities.invitePage.errors.unknownList') };
        if (list.more)
          return {
            problem: tr.text('activities.invitePage.errors.listTooLong', { name: list.name }),
          };
        if (list.ids.length === 0)
          return {
            problem: tr.text('activities.invitePage.errors.emptyList', { name: list.name }),
          };
        return inviteToActivity(tx, actorOf(request), id, list.ids, {
          baseUrl: request.publicBaseUrl,
        });
      });
      if (outcome === 'missing' || outcome === null) throw notFound();
      if ('problem' in outcome)
        return renderInvitePage(request, reply.code(400), id, {
          listId,
          errors: [{ text: outcome.problem, href: '#listId' }],
        });
      return reply.redirect(invitedUrl(id, outcome), 303);
    },
  );

  /** Invites everyone accepted for an opportunity of the same initiative. */
  app.post(
    '/staff/activities/:id/invitations/sign-ups',
    guard('participation:manage'),
    async (request, reply) => {
      const id = idParam(request);
      const outcome = await request.db(async (tx) => {
        if (!(await activityById(tx, id))) return null;
        const ids = await acceptedSignUps(tx, id);
        return inviteToActivity(tx, actorOf(request), id, ids, { baseUrl: request.publicBaseUrl });
      });
      if (!outcome) throw notFound();
      return reply.redirect(invitedUrl(id, outcome), 303);
    },
  );

  /** Answers staff took by phone or letter. */
  app.post(
    '/staff/activities/:id/answers',
    { ...guard('participation:manage'), schema: { body: RegisterForm } },
    async (request, reply) => {
      const id = idParam(request);
      const body = request.body;
      const changed = await request.db(async (tx) => {
        if (!(await activityById(tx, id))) return null;
        const answers = Object.entries(body)
          .map(([key, value]) => ({ key, value: one(value) }))
          .filter(
            (e) =>
              e.key.startsWith('rsvp-') &&
              UUID.test(e.key.slice(5)) &&
              (RSVP_ANSWERS as readonly string[]).includes(e.value),
          )
          .map((e) => ({ personId: e.key.slice(5), rsvp: e.value as RsvpAnswer }));
        return recordAnswers(tx, actorOf(request), id, answers);
      });
      if (changed === null) throw notFound();
      return reply.redirect(`/staff/activities/${id}?answers=${changed}#contact`, 303);
    },
  );

  /** The attendance register: every invitee, and anyone who came without an invitation. */
  app.post(
    '/staff/activities/:id/attendance',
    { ...guard('participation:manage'), schema: { body: RegisterForm } },
    async (request, reply) => {
      const id = idParam(request);
      const body = request.body;
      const actor = actorOf(request);
      const outcome = await request.db(async (tx) => {
        const activity = await activityById(tx, id);
        if (!activity) return null;
        const refused = registerRefusal(activity, request.language);
        if (refused) return { problems: [refused], values: {} };
        const roster = await activityRoster(tx, id);
        const problems: Record<string, string> = {};
        const values: Record<string, string> = {};
        const entries: AttendanceEntry[] = [];
        const read = (personId: string) => ({
          status: one(body[`status-${personId}`]),
          role: one(body[`role-${personId}`]).replace(/\s+/g, ' '),
          hours: one(body[`hours-${personId}`]),
        });
        for (const person of roster) {
          const { status, role, hours } = read(person.id);
          values[`status-${person.id}`] = status;
          values[`role-${person.id}`] = role;
          values[`hours-${person.id}`] = hours;
          if (!(ATTENDANCE_STATUSES as readonly string[]).includes(status)) continue;
          let given: number | null = null;
          if (hours && status === 'attended') {
            if (!/^\d{1,3}(\.\d{1,2})?$/.test(hours)) {
              problems[`hours-${person.id}`] = 'attendance.errors.hours';
              continue;
            }
            given = Number(hours);
          }
          entries.push({
            personId: person.id,
            status: status as AttendanceStatus,
            role: role.slice(0, 100) || null,
            hours: given,
          });
        }
        const addReference = one(body.addReference);
        const addStatus = one(body.addStatus) || 'attended';
        const addRole = one(body.addRole).replace(/\s+/g, ' ');
        values.addReference = addReference;
        values.addStatus = addStatus;
        values.addRole = addRole;
        if (addReference) {
          const found = await resolveReferences(tx, addReference.split(/\s+/)[0]!);
          const personId = found.ids[0];
          if (!personId) problems.addReference = 'attendance.errors.reference';
          else if (!(ATTENDANCE_STATUSES as readonly string[]).includes(addStatus))
            problems.addStatus = 'attendance.errors.status';
          else if (!entries.some((e) => e.personId === personId))
            entries.push({
              personId,
              status: addStatus as AttendanceStatus,
              role: addRole.slice(0, 100) || null,
              hours: null,
            });
        }
        if (Object.keys(problems).length > 0) return { problems, values };
        if (entries.length === 0)
          return { problems: { register: 'attendance.errors.none' }, values };
        try {
          await saveAttendance(tx, actor, id, entries);
        } catch (error) {
          // The activity was moved or cancelled since the page was read.
          if (error instanceof RegisterRefused)
            return {
              problems: [error.problem(request.language)],
              values,
            };
          throw error;
        }
        // Rewards follow from attendance, in the same transaction.
        await computeRewardsForActivity(tx, actor, id);
        return { saved: entries.length };
      });
      if (!outcome) throw notFound();
      if ('problems' in outcome)
        return renderActivity(request, reply.code(400), id, {
          attendanceErrors: outcome.problems,
          attendanceValues: outcome.values,
        });
      return reply.redirect(`/staff/activities/${id}?attendance=${outcome.saved}#register`, 303);
    },
  );

  // -------------------------------------------------------------------------
  // RSVP by link, without signing in

  const rsvpHeaders = (reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex');

  async function renderRsvp(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    extras: { error?: boolean; done?: boolean } = {},
  ) {
    const data = await request.db(async (tx) => {
      const view = await invitationByToken(tx, token);
      return view && { view, options: await loadOptions(tx) };
    });
    rsvpHeaders(reply);
    if (!data) return reply.code(404).page('participation/views/activities/rsvp-unknown.njk');
    return reply.page('participation/views/activities/rsvp.njk', {
      ...rsvpPage(request, data.view, data.options, extras),
      token,
    });
  }

  app.get(
    '/rsvp/:token',
    { ...PUBLIC_ROUTE, schema: { params: RsvpParams, querystring: RsvpQuery } },
    async (request, reply) => {
      const { token } = request.params;
      const query = request.query;
      return renderRsvp(request, reply, token, { done: query.done === '1' });
    },
  );

  app.post(
    '/rsvp/:token',
    { ...PUBLIC_ROUTE, schema: { params: RsvpParams, body: RsvpForm } },
    async (request, reply) => {
      const { token } = request.params;
      const body = request.body;
      const answer = one(body.answer);
      if (!(RSVP_ANSWERS as readonly string[]).includes(answer))
        return renderRsvp(request, reply.code(400), token, { error: true });
      const view = await request.db((tx) => invitationByToken(tx, token));
      if (!view) return renderRsvp(request, reply, token);
      // Too late (or cancelled): the page says so, and no answer is taken.
      if (!takesAnswers(view.activity))
        return reply.redirect(`/rsvp/${encodeURIComponent(token)}`, 303);
      await request.db((tx) => recordRsvp(tx, actorOf(request), token, answer as RsvpAnswer));
      return reply.redirect(`/rsvp/${encodeURIComponent(token)}?done=1`, 303);
    },
  );

  // -------------------------------------------------------------------------
  // The ladder profile

  app.get(
    '/staff/ladder',
    { ...guard('initiatives:view'), schema: { querystring: LadderProfileQuery } },
    async (request, reply) => {
      const query = request.query;
      const tr = translator(request.language, request.translations);
      const fallback = currentFinancialYear();
      const values: Record<string, string> = {};
      const problems: Record<string, string> = {};
      const dateOf = (name: 'from' | 'to'): string | null => {
        const date = readDateInput(query, name, {
          keys: { notReal: `ladderProfile.errors.${name}` },
        });
        Object.assign(values, date.values);
        if (date.problem) problems[`${name}-day`] = date.problem.key;
        return date.iso;
      };
      const from = dateOf('from') ?? fallback.from;
      const to = dateOf('to') ?? fallback.to;
      if (Object.keys(problems).length === 0 && to < from)
        problems['to-day'] = 'ladderProfile.errors.order';
      const measureAsked = one(query.measure);
      const measure: ProfileMeasure = (PROFILE_MEASURES as readonly string[]).includes(measureAsked)
        ? (measureAsked as ProfileMeasure)
        : 'initiatives';
      const errors = formErrors(tr, problems);
      const period = errors ? fallback : { from, to };
      if (!errors) {
        for (const [name, iso] of [
          ['from', from],
          ['to', to],
        ] as const) {
          Object.assign(values, dateInputValues(name, iso));
        }
      }
      const profile = await request.db((tx) => ladderProfile(tx, period));
      if (errors) reply.code(400);
      return reply.page('participation/views/ladder/profile.njk', {
        profile,
        chart: chartOf(profile, measure, request.language),
        measure,
        measures: PROFILE_MEASURES,
        values,
        errorList: errors?.errorList,
        errors: errors?.errors ?? {},
      });
    },
  );
};
