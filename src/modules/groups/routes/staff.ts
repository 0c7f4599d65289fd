import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can, guard } from '../../../platform/auth/index.ts';
import {
  dateInputValues,
  readDateInput,
  type FieldProblem,
} from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { loadOptions, optionLabelOnPage, staffPeople, type Options } from '../../people/index.ts';
import {
  EndMemberForm,
  FlashQuery,
  GroupForm,
  MemberForm,
  MemberSupportForm,
  SeatForm,
  TermsForm,
} from '../schemas.ts';
import {
  FILL_METHODS,
  FREQUENCIES,
  GROUP_KINDS,
  SEAT_HOLDERS,
  TIE_RULES,
  addSeat,
  adoptTerms,
  appointMember,
  createGroup,
  endMembership,
  groupById,
  line,
  listGroups,
  londonToday,
  membersOf,
  readGroupForm,
  readMemberForm,
  readSeatForm,
  readTermsForm,
  seatsOf,
  termsOf,
  updateGroup,
  updateMemberSupport,
  valuesFromGroup,
  type GroupDetail,
} from '../groups.ts';
import { STAFF_THRESHOLD, loadRepresentation } from '../representation.ts';
import { memberAttendance } from '../meetings.ts';
import { errorsOf, loadGroup } from './load.ts';

/** The lists the forms choose from, in the reader's language. */
function choicesFrom(options: Options, language: string) {
  const of = (list: 'service_type' | 'specialism' | 'involvement_role') =>
    options[list]
      .filter((o) => !o.retired)
      .map((o) => ({ value: o.code, text: optionLabelOnPage(options, list, o.code, language) }));
  return {
    serviceTypes: of('service_type'),
    specialisms: of('specialism'),
    roles: of('involvement_role'),
  };
}

const known = (options: Options) => ({
  roles: new Set(options.involvement_role.map((o) => o.code)),
  serviceTypes: new Set(options.service_type.map((o) => o.code)),
  specialisms: new Set(options.specialism.map((o) => o.code)),
});

/** Labels for codes, for the pages that show them. */
export function labelsFrom(options: Options, language: string) {
  return {
    serviceType: Object.fromEntries(
      options.service_type.map((o) => [
        o.code,
        optionLabelOnPage(options, 'service_type', o.code, language),
      ]),
    ),
    specialism: Object.fromEntries(
      options.specialism.map((o) => [
        o.code,
        optionLabelOnPage(options, 'specialism', o.code, language),
      ]),
    ),
  };
}

/** Staff pages of panels and forums: the body, its terms, seats, members and representation. */
export const staffRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  app.get('/staff/groups', guard('groups:view'), async (request, reply) => {
    const rows = await request.db((tx) => listGroups(tx));
    return reply.page('groups/views/staff/list.njk', {
      groups: rows,
      mayManage: can(request.user, 'groups:manage'),
    });
  });

  async function renderGroupForm(
    request: FastifyRequest,
    reply: FastifyReply,
    data: { values: Record<string, unknown>; problems?: FieldProblem[]; groupId?: string },
  ) {
    const options = await request.db((tx) => loadOptions(tx));
    const errors = errorsOf(request, data.problems ?? []);
    return reply.page('groups/views/staff/form.njk', {
      ...choicesFrom(options, request.language),
      kinds: GROUP_KINDS,
      tieRules: TIE_RULES,
      values: data.values,
      groupId: data.groupId ?? null,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/staff/groups/new', guard('groups:manage'), async (request, reply) =>
    renderGroupForm(request, reply, {
      values: {
        kind: 'panel',
        rung: '5',
        roleCode: 'panel_member',
        papersDaysBefore: '7',
        agendaDaysBefore: '14',
        termReminderDays: '60',
        tieRule: 'lot',
        coverServiceTypes: [],
        coverSpecialisms: [],
      },
    }),
  );

  app.post(
    '/staff/groups',
    { ...guard('groups:manage'), schema: { body: GroupForm } },
    async (request, reply) => {
      const options = await request.db((tx) => loadOptions(tx));
      const form = readGroupForm(request.body, known(options));
      if (!form.fields)
        return renderGroupForm(request, reply.code(400), {
          values: form.values,
          problems: form.problems,
        });
      const fields = form.fields;
      const { id } = await request.db((tx) => createGroup(tx, actorOf(request), fields));
      return reply.redirect(`/staff/groups/${id}?done=created`, 303);
    },
  );

  app.get('/staff/groups/:id/edit', guard('groups:manage'), async (request, reply) => {
    const group = await loadGroup(request);
    return renderGroupForm(request, reply, { values: valuesFromGroup(group), groupId: group.id });
  });

  app.post(
    '/staff/groups/:id',
    { ...guard('groups:manage'), schema: { body: GroupForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const options = await request.db((tx) => loadOptions(tx));
      const form = readGroupForm(request.body, known(options));
      if (!form.fields)
        return renderGroupForm(request, reply.code(400), {
          values: form.values,
          problems: form.problems,
          groupId: group.id,
        });
      const fields = form.fields;
      await request.db((tx) => updateGroup(tx, actorOf(request), group.id, fields));
      return reply.redirect(`/staff/groups/${group.id}?done=saved`, 303);
    },
  );

  app.get(
    '/staff/groups/:id',
    { ...guard('groups:view'), schema: { querystring: FlashQuery } },
    async (request, reply) => {
      const id = idParam(request);
      const data = await request.db(async (tx) => {
        const group = await groupById(tx, id);
        if (!group) return null;
        const [terms] = await termsOf(tx, id);
        return {
          group,
          terms: terms ?? null,
          seats: await seatsOf(tx, id),
          members: (await membersOf(tx, id)).filter((m) => m.current),
          options: await loadOptions(tx),
        };
      });
      if (!data) throw notFound();
      return reply.page('groups/views/staff/show.njk', {
        ...data,
        labels: labelsFrom(data.options, request.language),
        section: 'overview',
        done: request.query.done ?? null,
        mayManage: can(request.user, 'groups:manage'),
      });
    },
  );

  // Terms of reference -------------------------------------------------------

  app.get('/staff/groups/:id/terms', guard('groups:view'), async (request, reply) => {
    const group = await loadGroup(request);
    const versions = await request.db((tx) => termsOf(tx, group.id));
    return reply.page('groups/views/staff/terms.njk', {
      group,
      versions,
      section: 'terms',
      mayManage: can(request.user, 'groups:manage'),
    });
  });

  async function renderTermsForm(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    values: Record<string, string>,
    problems: FieldProblem[] = [],
  ) {
    const errors = errorsOf(request, problems);
    return reply.page('groups/views/staff/terms-form.njk', {
      group,
      values,
      frequencies: Object.keys(FREQUENCIES),
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/staff/groups/:id/terms/new', guard('groups:manage'), async (request, reply) => {
    const group = await loadGroup(request);
    const [current] = await request.db((tx) => termsOf(tx, group.id));
    const values: Record<string, string> = current
      ? {
          objectives: current.objectives,
          functions: current.functions,
          scrutinyAreas: current.scrutinyAreas.join('\n'),
          frequency: current.frequency,
          reportsTo: current.reportsTo,
          reportsThrough: current.reportsThrough ?? '',
          decides: current.decides,
          decidesHow: current.decidesHow,
          easyRead: current.easyRead ?? '',
        }
      : { frequency: 'quarterly' };
    return renderTermsForm(request, reply, group, {
      ...values,
      ...dateInputValues('adoptedOn', londonToday()),
    });
  });

  app.post(
    '/staff/groups/:id/terms',
    { ...guard('groups:manage'), schema: { body: TermsForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const form = readTermsForm(request.body);
      if (!form.fields)
        return renderTermsForm(request, reply.code(400), group, form.values, form.problems);
      const fields = form.fields;
      await request.db((tx) => adoptTerms(tx, actorOf(request), group.id, fields));
      return reply.redirect(`/staff/groups/${group.id}/terms`, 303);
    },
  );

  // Seats ---------------------------------------------------------------------

  async function renderSeatForm(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    values: Record<string, string>,
    problems: FieldProblem[] = [],
  ) {
    const options = await request.db((tx) => loadOptions(tx));
    const errors = errorsOf(request, problems);
    return reply.page('groups/views/staff/seat-form.njk', {
      group,
      values,
      holders: SEAT_HOLDERS,
      fillMethods: FILL_METHODS,
      ...choicesFrom(options, request.language),
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/staff/groups/:id/seats/new', guard('groups:manage'), async (request, reply) => {
    const group = await loadGroup(request);
    return renderSeatForm(request, reply, group, { holder: 'customer', fillBy: 'appointment' });
  });

  app.post(
    '/staff/groups/:id/seats',
    { ...guard('groups:manage'), schema: { body: SeatForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const options = await request.db((tx) => loadOptions(tx));
      const form = readSeatForm(request.body, known(options));
      if (!form.fields)
        return renderSeatForm(request, reply.code(400), group, form.values, form.problems);
      const fields = form.fields;
      await request.db((tx) => addSeat(tx, actorOf(request), group.id, fields));
      return reply.redirect(`/staff/groups/${group.id}/members?done=seat`, 303);
    },
  );

  // Members -------------------------------------------------------------------

  app.get(
    '/staff/groups/:id/members',
    { ...guard('groups:view'), schema: { querystring: FlashQuery } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const data = await request.db(async (tx) => ({
        seats: await seatsOf(tx, group.id),
        members: await membersOf(tx, group.id),
        attendance: await memberAttendance(tx, group.id),
      }));
      return reply.page('groups/views/staff/members.njk', {
        group,
        ...data,
        current: data.members.filter((m) => m.current),
        past: data.members.filter((m) => !m.current),
        section: 'members',
        done: request.query.done ?? null,
        mayManage: can(request.user, 'groups:manage'),
      });
    },
  );

  async function renderMemberForm(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    values: Record<string, string>,
    problems: FieldProblem[] = [],
  ) {
    const data = await request.db(async (tx) => ({
      seats: await seatsOf(tx, group.id),
      staff: await staffPeople(tx),
    }));
    const errors = errorsOf(request, problems);
    return reply.page('groups/views/staff/member-form.njk', {
      group,
      values,
      ...data,
      fillMethods: FILL_METHODS,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/staff/groups/:id/members/new', guard('groups:manage'), async (request, reply) => {
    const group = await loadGroup(request);
    return renderMemberForm(request, reply, group, {
      filledBy: 'appointment',
      ...dateInputValues('startsOn', londonToday()),
    });
  });

  app.post(
    '/staff/groups/:id/members',
    { ...guard('groups:manage'), schema: { body: MemberForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const form = readMemberForm(request.body);
      if (!form.fields)
        return renderMemberForm(request, reply.code(400), group, form.values, form.problems);
      const fields = form.fields;
      const outcome = await request.db((tx) =>
        appointMember(tx, actorOf(request), group.id, fields, { baseUrl: request.publicBaseUrl }),
      );
      if ('problems' in outcome)
        return renderMemberForm(request, reply.code(400), group, form.values, outcome.problems);
      return reply.redirect(`/staff/groups/${group.id}/members?done=member`, 303);
    },
  );

  async function renderMember(
    request: FastifyRequest,
    reply: FastifyReply,
    group: GroupDetail,
    memberId: string,
    extras: { problems?: FieldProblem[]; values?: Record<string, string> } = {},
  ) {
    const data = await request.db(async (tx) => ({
      member: (await membersOf(tx, group.id)).find((m) => m.id === memberId) ?? null,
      staff: await staffPeople(tx),
    }));
    if (!data.member) throw notFound();
    const errors = errorsOf(request, extras.problems ?? []);
    return reply.page('groups/views/staff/member.njk', {
      group,
      ...data,
      values: extras.values ?? {
        buddyPersonId: data.member.buddyPersonId ?? '',
        namedPublicly: data.member.namedPublicly ? 'yes' : '',
        ...dateInputValues('endedOn', null),
      },
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
      mayManage: can(request.user, 'groups:manage'),
    });
  }

  app.get('/staff/groups/:id/members/:memberId', guard('groups:view'), async (request, reply) => {
    const group = await loadGroup(request);
    return renderMember(request, reply, group, idParam(request, 'memberId'));
  });

  app.post(
    '/staff/groups/:id/members/:memberId',
    { ...guard('groups:manage'), schema: { body: MemberSupportForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const memberId = idParam(request, 'memberId');
      const buddy = line(request.body, 'buddyPersonId');
      const change = {
        buddyPersonId: buddy || null,
        namedPublicly: line(request.body, 'namedPublicly') === 'yes',
      };
      const outcome = await request.db((tx) =>
        updateMemberSupport(tx, actorOf(request), group.id, memberId, change),
      );
      if (outcome === 'not-found') throw notFound();
      if (outcome === 'no-buddy')
        return renderMember(request, reply.code(400), group, memberId, {
          problems: [{ field: 'buddyPersonId', key: 'groups.members.errors.buddy' }],
          values: { buddyPersonId: buddy, namedPublicly: change.namedPublicly ? 'yes' : '' },
        });
      return reply.redirect(`/staff/groups/${group.id}/members?done=support`, 303);
    },
  );

  app.post(
    '/staff/groups/:id/members/:memberId/end',
    { ...guard('groups:manage'), schema: { body: EndMemberForm } },
    async (request, reply) => {
      const group = await loadGroup(request);
      const memberId = idParam(request, 'memberId');
      const ended = readDateInput(request.body, 'endedOn', {
        required: true,
        keys: {
          required: 'groups.members.errors.endedMissing',
          notReal: 'groups.members.errors.endedReal',
        },
      });
      if (!ended.iso)
        return renderMember(request, reply.code(400), group, memberId, {
          problems: ended.problem ? [ended.problem] : [],
          values: { ...ended.values },
        });
      const endedOn = ended.iso;
      const done = await request.db((tx) =>
        endMembership(tx, actorOf(request), group.id, memberId, endedOn),
      );
      if (!done) throw notFound();
      return reply.redirect(`/staff/groups/${group.id}/members?done=ended`, 303);
    },
  );

  // Representation -----------------------------------------------------------

  app.get('/staff/groups/:id/representation', guard('groups:view'), async (request, reply) => {
    const group = await loadGroup(request);
    const data = await request.db(async (tx) => ({
      representation: await loadRepresentation(tx, group.id),
      options: await loadOptions(tx),
    }));
    if (!data.representation) throw notFound();
    return reply.page('groups/views/staff/representation.njk', {
      group,
      representation: data.representation,
      labels: labelsFrom(data.options, request.language),
      threshold: STAFF_THRESHOLD,
      section: 'representation',
    });
  });
};
