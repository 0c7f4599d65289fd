import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can, guard } from '../../../platform/auth/index.ts';
import { dateInputValues, formErrors, type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import {
  ATTENDANCE_STATUSES,
  RegisterRefused,
  whenText,
  whereText,
  type AttendanceStatus,
} from '../../participation/index.ts';
import { line, londonToday, paragraph, type GroupDetail } from '../groups.ts';
import {
  ACTION_STATUSES,
  actionsOf,
  addPaper,
  decideItem,
  inviteMembers,
  loadMeetingPage,
  memberAttendance,
  meetingOf,
  meetingsOf,
  proposeItem,
  readActionForm,
  readDecisionForm,
  readItemForm,
  readPaperForm,
  readScheduleForm,
  recordAction,
  recordDecision,
  recordMeetingAttendance,
  saveMinutes,
  scheduleMeetings,
  sendPapers,
  updateAction,
  type ActionStatus,
  type MeetingView,
} from '../meetings.ts';
import {
  ActionForm,
  ActionUpdateForm,
  AgendaDecisionForm,
  AgendaItemForm,
  AttendanceForm,
  DecisionForm,
  FlashQuery,
  MinutesForm,
  PaperForm,
  ScheduleForm,
} from '../schemas.ts';
import { loadGroup } from './load.ts';

/** The body and one of its meetings from the address, or 404. */
async function loadMeeting(
  request: FastifyRequest,
): Promise<{ group: GroupDetail; meeting: MeetingView }> {
  const group = await loadGroup(request);
  const meetingId = idParam(request, 'meetingId');
  const meeting = await request.db((tx) => meetingOf(tx, group.id, meetingId));
  if (!meeting) throw notFound();
  return { group, meeting };
}

/** Which form on the meeting page came back with problems, and what was typed. */
interface Returned {
  form: string;
  problems: FieldProblem[];
  values: Record<string, string>;
}

/** Meetings of a body: the schedule, the meeting page with its agenda, papers, register, minutes, decisions and actions. */
export const meetingRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  async function renderList(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    extras: {
      values?: Record<string, string>;
      problems?: FieldProblem[];
      done?: string | null;
    } = {},
  ) {
    const meetings = await request.db((tx) => meetingsOf(tx, group.id));
    const errors = formErrors(
      translator(request.language, request.translations),
      extras.problems ?? [],
    );
    const now = Date.now();
    return reply.page('groups/views/staff/meetings.njk', {
      group,
      section: 'meetings',
      upcoming: meetings.filter((m) => m.activity.endsAt.getTime() >= now),
      past: meetings.filter((m) => m.activity.endsAt.getTime() < now).reverse(),
      when: Object.fromEntries(meetings.map((m) => [m.id, whenText(m.activity, request.language)])),
      values: extras.values ?? { time: '10:30', lengthMinutes: '120', count: '4' },
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
      done: extras.done ?? null,
      mayManage: can(request.user, 'groups:manage'),
    });
  }

  app.get(
    '/staff/groups/:id/meetings',
    { ...guard('groups:view'), schema: { querystring: FlashQuery } },
    async (request, reply) =>
      renderList(request, reply, await loadGroup(request), { done: request.query.done ?? null }),
  );

  app.post(
    '/staff/groups/:id/meetings',
    { ...guard('groups:manage'), schema: { body: ScheduleForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const form = readScheduleForm(request.body);
      if (!form.fields)
        return renderList(request, reply.code(400), group, {
          values: form.values,
          problems: form.problems,
        });
      const fields = form.fields;
      const outcome = await request.db((tx) =>
        scheduleMeetings(tx, actorOf(request), group.id, fields, {
          baseUrl: request.publicBaseUrl,
        }),
      );
      if ('problems' in outcome)
        return renderList(request, reply.code(400), group, {
          values: form.values,
          problems: outcome.problems,
        });
      return reply.redirect(`/staff/groups/${group.id}/meetings?done=scheduled`, 303);
    },
  );

  async function renderMeeting(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    meetingId: string,
    extras: { returned?: Returned; done?: string | null } = {},
  ) {
    const data = await request.db(async (tx) => {
      const page = await loadMeetingPage(tx, group.id, meetingId);
      // Members who missed the last two meetings, flagged so someone checks in (§7).
      return page && { ...page, attendance: await memberAttendance(tx, group.id) };
    });
    if (!data) throw notFound();
    const returned = extras.returned;
    const errors = formErrors(
      translator(request.language, request.translations),
      returned?.problems ?? [],
    );
    const valuesFor = (form: string) => (returned?.form === form ? returned.values : {});
    return reply.page('groups/views/staff/meeting.njk', {
      group,
      ...data,
      section: 'meetings',
      when: whenText(data.meeting.activity, request.language),
      where: whereText(data.meeting.activity, request.language),
      held: data.meeting.activity.startsAt.getTime() < Date.now(),
      today: londonToday(),
      statuses: ATTENDANCE_STATUSES,
      actionStatuses: ACTION_STATUSES,
      form: returned?.form ?? null,
      values: {
        item: valuesFor('item'),
        paper: valuesFor('paper'),
        decision: valuesFor('decision'),
        action: { ...dateInputValues('dueOn', null), ...valuesFor('action') },
        minutes:
          returned?.form === 'minutes'
            ? returned.values
            : {
                minutes: data.meeting.minutes ?? '',
                minutesEasyRead: data.meeting.minutesEasyRead ?? '',
              },
      },
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
      done: extras.done ?? null,
      mayManage: can(request.user, 'groups:manage'),
    });
  }

  const meetingPath = '/staff/groups/:id/meetings/:meetingId';
  const back = (group: GroupDetail, meeting: { id: string }, done: string, anchor = '') =>
    `/staff/groups/${group.id}/meetings/${meeting.id}?done=${done}${anchor}`;

  app.get(
    meetingPath,
    { ...guard('groups:view'), schema: { querystring: FlashQuery } },
    async (request, reply) => {
      const group = await loadGroup(request);
      return renderMeeting(request, reply, group, idParam(request, 'meetingId'), {
        done: request.query.done ?? null,
      });
    },
  );

  app.post(
    `${meetingPath}/agenda`,
    { ...guard('groups:manage'), schema: { body: AgendaItemForm } },
    async (request, reply) => {
      const { group, meeting } = await loadMeeting(request);
      const form = readItemForm(request.body);
      const fields = form.fields;
      const outcome =
        fields &&
        (await request.db((tx) =>
          proposeItem(tx, actorOf(request), meeting, fields, {
            personId: null,
            label: request.user!.name,
            staff: true,
          }),
        ));
      const problems = !outcome ? form.problems : 'problems' in outcome ? outcome.problems : null;
      if (problems)
        return renderMeeting(request, reply.code(400), group, meeting.id, {
          returned: { form: 'item', problems, values: form.values },
        });
      return reply.redirect(back(group, meeting, 'item', '#agenda'), 303);
    },
  );

  app.post(
    `${meetingPath}/agenda/:itemId`,
    { ...guard('groups:manage'), schema: { body: AgendaDecisionForm } },
    async (request, reply) => {
      const { group, meeting } = await loadMeeting(request);
      const itemId = idParam(request, 'itemId');
      const decision = line(request.body, 'decision');
      if (decision !== 'accepted' && decision !== 'declined')
        return renderMeeting(request, reply.code(400), group, meeting.id, {
          returned: {
            form: 'agenda',
            problems: [{ field: `decision-${itemId}`, key: 'groups.agenda.errors.decision' }],
            values: {},
          },
        });
      const response = paragraph(request.body, 'response') || null;
      const done = await request.db((tx) =>
        decideItem(tx, actorOf(request), meeting.id, itemId, decision, response),
      );
      if (!done) throw notFound();
      return reply.redirect(back(group, meeting, decision, '#agenda'), 303);
    },
  );

  app.post(
    `${meetingPath}/papers`,
    { ...guard('groups:manage'), schema: { body: PaperForm } },
    async (request, reply) => {
      const { group, meeting } = await loadMeeting(request);
      const form = readPaperForm(request.body);
      if (!form.fields)
        return renderMeeting(request, reply.code(400), group, meeting.id, {
          returned: { form: 'paper', problems: form.problems, values: form.values },
        });
      const fields = form.fields;
      await request.db((tx) => addPaper(tx, actorOf(request), meeting, fields));
      return reply.redirect(back(group, meeting, 'paper', '#papers'), 303);
    },
  );

  app.post(`${meetingPath}/papers/send`, guard('groups:manage'), async (request, reply) => {
    const { group, meeting } = await loadMeeting(request);
    await request.db((tx) =>
      sendPapers(tx, actorOf(request), group, meeting, { baseUrl: request.publicBaseUrl }),
    );
    return reply.redirect(back(group, meeting, 'sent', '#papers'), 303);
  });

  app.post(`${meetingPath}/invite`, guard('groups:manage'), async (request, reply) => {
    const { group, meeting } = await loadMeeting(request);
    await request.db((tx) =>
      inviteMembers(tx, actorOf(request), meeting, { baseUrl: request.publicBaseUrl }),
    );
    return reply.redirect(back(group, meeting, 'invited', '#attendance'), 303);
  });

  app.post(
    `${meetingPath}/attendance`,
    { ...guard('groups:manage'), schema: { body: AttendanceForm } },
    async (request, reply) => {
      const { group, meeting } = await loadMeeting(request);
      const page = await request.db((tx) => loadMeetingPage(tx, group.id, meeting.id));
      const entries = (page?.members ?? []).flatMap((m) => {
        const status = line(request.body, `status-${m.personId}`);
        return (ATTENDANCE_STATUSES as readonly string[]).includes(status)
          ? [
              {
                personId: m.personId,
                status: status as AttendanceStatus,
                role: m.seatLabel,
                hours: null,
              },
            ]
          : [];
      });
      if (entries.length === 0)
        return renderMeeting(request, reply.code(400), group, meeting.id, {
          returned: {
            form: 'attendance',
            problems: [{ field: 'attendance', key: 'groups.meetings.errors.attendance' }],
            values: {},
          },
        });
      try {
        await request.db((tx) => recordMeetingAttendance(tx, actorOf(request), meeting, entries));
      } catch (error) {
        // No register before the meeting starts (participation refuses it, naming the day).
        if (!(error instanceof RegisterRefused)) throw error;
        return renderMeeting(request, reply.code(400), group, meeting.id, {
          returned: {
            form: 'attendance',
            problems: [error.problem(request.language, 'attendance')],
            values: {},
          },
        });
      }
      return reply.redirect(back(group, meeting, 'attendance', '#attendance'), 303);
    },
  );

  app.post(
    `${meetingPath}/minutes`,
    { ...guard('groups:manage'), schema: { body: MinutesForm } },
    async (request, reply) => {
      const { group, meeting } = await loadMeeting(request);
      const minutes = paragraph(request.body, 'minutes');
      const easy = paragraph(request.body, 'minutesEasyRead');
      const problems: FieldProblem[] = [];
      if (!minutes) problems.push({ field: 'minutes', key: 'groups.minutes.errors.minutes' });
      if (minutes.length > 50_000)
        problems.push({
          field: 'minutes',
          key: 'groups.errors.tooLong',
          label: 'groups.fieldNames.minutes',
          vars: { max: 50_000 },
        });
      if (easy.length > 50_000)
        problems.push({
          field: 'minutesEasyRead',
          key: 'groups.errors.tooLong',
          label: 'groups.fieldNames.minutesEasyRead',
          vars: { max: 50_000 },
        });
      if (problems.length)
        return renderMeeting(request, reply.code(400), group, meeting.id, {
          returned: { form: 'minutes', problems, values: { minutes, minutesEasyRead: easy } },
        });
      await request.db((tx) => saveMinutes(tx, actorOf(request), meeting, minutes, easy || null));
      return reply.redirect(back(group, meeting, 'minutes', '#minutes-heading'), 303);
    },
  );

  app.post(
    `${meetingPath}/decisions`,
    { ...guard('groups:manage'), schema: { body: DecisionForm } },
    async (request, reply) => {
      const { group, meeting } = await loadMeeting(request);
      const form = readDecisionForm(request.body);
      if (!form.fields)
        return renderMeeting(request, reply.code(400), group, meeting.id, {
          returned: { form: 'decision', problems: form.problems, values: form.values },
        });
      const fields = form.fields;
      await request.db((tx) => recordDecision(tx, actorOf(request), meeting, fields));
      return reply.redirect(back(group, meeting, 'decision', '#decisions'), 303);
    },
  );

  app.post(
    `${meetingPath}/actions`,
    { ...guard('groups:manage'), schema: { body: ActionForm } },
    async (request, reply) => {
      const { group, meeting } = await loadMeeting(request);
      const form = readActionForm(request.body);
      if (!form.fields)
        return renderMeeting(request, reply.code(400), group, meeting.id, {
          returned: { form: 'action', problems: form.problems, values: form.values },
        });
      const fields = form.fields;
      await request.db((tx) => recordAction(tx, actorOf(request), meeting, fields));
      return reply.redirect(back(group, meeting, 'action', '#actions'), 303);
    },
  );

  // The action log, and updates on an action from it or from a meeting's page.

  app.get(
    '/staff/groups/:id/actions',
    { ...guard('groups:view'), schema: { querystring: FlashQuery } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const data = await request.db(async (tx) => ({
        actions: await actionsOf(tx, group.id),
        meetings: await meetingsOf(tx, group.id),
      }));
      return reply.page('groups/views/staff/actions.njk', {
        group,
        section: 'actions',
        open: data.actions.filter((a) => a.status === 'open' || a.status === 'in_progress'),
        closed: data.actions.filter((a) => a.status === 'done' || a.status === 'dropped'),
        meetingDay: Object.fromEntries(data.meetings.map((m) => [m.id, m.day])),
        actionStatuses: ACTION_STATUSES,
        today: londonToday(),
        done: request.query.done ?? null,
        mayManage: can(request.user, 'groups:manage'),
      });
    },
  );

  app.post(
    '/staff/groups/:id/actions/:actionId',
    { ...guard('groups:manage'), schema: { body: ActionUpdateForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const actionId = idParam(request, 'actionId');
      const status = line(request.body, 'status');
      const note = paragraph(request.body, 'note');
      const meetingId = line(request.body, 'meetingId');
      const meeting = meetingId
        ? await request.db((tx) => meetingOf(tx, group.id, meetingId))
        : null;
      const backTo = meeting
        ? `/staff/groups/${group.id}/meetings/${meeting.id}`
        : `/staff/groups/${group.id}/actions`;
      if (
        !(ACTION_STATUSES as readonly string[]).includes(status) ||
        !note ||
        note.length > LONG_NOTE
      ) {
        const problems: FieldProblem[] = [];
        if (!(ACTION_STATUSES as readonly string[]).includes(status))
          problems.push({ field: `status-${actionId}`, key: 'groups.actions.errors.status' });
        if (!note) problems.push({ field: `note-${actionId}`, key: 'groups.actions.errors.note' });
        else if (note.length > LONG_NOTE)
          problems.push({
            field: `note-${actionId}`,
            key: 'groups.errors.tooLong',
            label: 'groups.fieldNames.actionNote',
            vars: { max: LONG_NOTE },
          });
        if (meeting)
          return renderMeeting(request, reply.code(400), group, meeting.id, {
            returned: { form: `update-${actionId}`, problems, values: { status, note } },
          });
        const errors = formErrors(translator(request.language, request.translations), problems);
        const actions = await request.db((tx) => actionsOf(tx, group.id));
        const meetings = await request.db((tx) => meetingsOf(tx, group.id));
        return reply.code(400).page('groups/views/staff/actions.njk', {
          group,
          section: 'actions',
          open: actions.filter((a) => a.status === 'open' || a.status === 'in_progress'),
          closed: actions.filter((a) => a.status === 'done' || a.status === 'dropped'),
          meetingDay: Object.fromEntries(meetings.map((m) => [m.id, m.day])),
          actionStatuses: ACTION_STATUSES,
          today: londonToday(),
          errorList: errors?.errorList,
          errors: errors?.errors ?? {},
          mayManage: true,
        });
      }
      const done = await request.db((tx) =>
        updateAction(tx, actorOf(request), group.id, actionId, {
          status: status as ActionStatus,
          note,
          meetingId: meeting?.id ?? null,
        }),
      );
      if (!done) throw notFound();
      return reply.redirect(`${backTo}?done=actionUpdated#actions`, 303);
    },
  );
};

const LONG_NOTE = 5_000;
