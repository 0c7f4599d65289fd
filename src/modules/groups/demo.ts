import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { DemoSeeder } from '../../platform/manifest.ts';
import { listServices, staffPeople } from '../people/index.ts';
import { createActivity, londonDateTime } from '../participation/index.ts';
import {
  addDays,
  addMonths,
  addSeat,
  adoptTerms,
  appointMember,
  createGroup,
  groupById,
  type GroupFields,
  type SeatFields,
  type TermsFields,
} from './groups.ts';
import {
  addPaper,
  decideItem,
  meetingsOf,
  proposeItem,
  recordAction,
  recordDecision,
  recordMeetingAttendance,
  saveMinutes,
  updateAction,
  type MeetingView,
} from './meetings.ts';
import { dayInWords } from './reminders.ts';
import { groupMeetings } from './tables.ts';

const DEMO_ACTOR: Actor = { userId: null, label: 'demo seed', ip: null };
const CONTEXT = { baseUrl: '' };

/** The two bodies of seed 000 (Appendices 1 and 2), their terms as written there. */
const TENANT_PANEL: { group: GroupFields; terms: Omit<TermsFields, 'adoptedOn'> } = {
  group: {
    title: 'Tenant and Landlord Panel',
    summary:
      'Elected tenants, the Board Chair and the Director of Housing and Support scrutinise how we perform as a landlord.',
    kind: 'panel',
    rung: 5,
    roleCode: 'panel_member',
    papersDaysBefore: 7,
    agendaDaysBefore: 14,
    termReminderDays: 60,
    tieRule: 'lot',
    clerkEmail: null,
    coverServiceTypes: ['hostel', 'supported_housing', 'unsupported'],
    coverSpecialisms: [],
    coverAreas: [],
    published: true,
  },
  terms: {
    objectives: [
      'Provide Tenants with effective and challenging governance arrangements.',
      'Develop a safe forum for tenants to provide constructive feedback to help review and challenge organisational performance in relation to property, landlord, housing management, and agency partnerships.',
      'Create a safe and responsive environment which allows and supports Tenants identify options for service improvements and efficiencies.',
    ].join('\n'),
    functions: [
      'The Tenant and Landlord Panel will meet quarterly and comprise: Board Chair; Director of Housing and Support; 8 Elected customers (Tenants) representing Hostels, Supported Housing, Unsupported, and customers residing in other landlord properties.',
      'The panel will report to SLT and Board through the Board chair and the Director of Housing and Support.',
      'Reports should be presented in easy read formats in advance of the meeting.',
    ].join('\n'),
    scrutinyAreas: [
      'Repairs',
      'Voids',
      'Compliance',
      'Evictions',
      'ASB',
      'Satisfaction - Repairs, maintenance and landlord and housing related complaints',
    ],
    frequency: 'quarterly',
    reportsTo: 'SLT and Board',
    reportsThrough: 'the Board Chair and the Director of Housing and Support',
    decides:
      'What it scrutinises, and the recommendations it makes to SLT and the Board on property, landlord and housing management performance.',
    decidesHow: 'By agreement of the members at a quarterly meeting.',
    easyRead: [
      'The panel is a group of tenants and staff.',
      'Tenants are voted on to the panel.',
      'The panel checks how well we do repairs.',
      'It checks empty homes, safety, evictions and anti-social behaviour.',
      'It meets every 3 months.',
      'It tells our bosses and the Board what it found.',
    ].join('\n'),
  },
};

const CARE_FORUM: { group: GroupFields; terms: Omit<TermsFields, 'adoptedOn'> } = {
  group: {
    title: 'Care and Support Customer Forum',
    summary:
      'An open forum, led by a customer chair, where customers review and challenge how we deliver care and support.',
    kind: 'forum',
    rung: 5,
    roleCode: 'panel_member',
    papersDaysBefore: 7,
    agendaDaysBefore: 14,
    termReminderDays: 60,
    tieRule: 'lot',
    clerkEmail: null,
    coverServiceTypes: [],
    coverSpecialisms: [
      'learning_disabilities',
      'mental_health',
      'young_people',
      'homelessness',
      'floating_support',
    ],
    coverAreas: [],
    published: true,
  },
  terms: {
    objectives: [
      'Provide a safe forum for customers to provide constructive feedback to help review and challenge organisational performance in relation to care and support service delivery.',
      'Develop a safe and responsive environment for customers to help identify options for service improvements and efficiencies related to care and support service delivery.',
      'Provide opportunities for customers to actively inform and engage. Lead on bottom-up service reviews.',
      'Provide a menu of opportunities which promote and support better tenant engagement and empowerment, and contribute to the development of independent and work-readiness skills for customers.',
    ].join('\n'),
    functions: [
      'The forum will meet quarterly.',
      'The customer co-chair will be supported by the Customer Experience Director to report to SMT and SLT.',
      'The forum will comprise: Customer Chair; Board Chair; Director of Care; Customer forum members (open invitation). Awareness campaigns will aim to ensure customers are represented across the 4 specialisms and floating support.',
      'The customer will lead on developing agendas and scrutiny areas.',
      'Reports should be presented in easy read formats in advance of the meeting and may include: Customer Surveys results and analysis; Complaints reports; Quality Report; Safeguarding report; Co-production reports; Customer Experience annual plan; Case studies; Presentations.',
    ].join('\n'),
    scrutinyAreas: [
      'Quality',
      'Safeguarding',
      'Customer Outcomes',
      'Staff turn over',
      'Use of PSA and Agency',
      'Customer Satisfaction',
      'Customer Contact Centre customer care',
      'ETE pathways',
      'Financial and Digital Inclusion',
      'Staff training and skill matrix',
    ],
    frequency: 'quarterly',
    reportsTo: 'Board',
    reportsThrough: 'the Board Chair and the Director of Care',
    decides:
      'Its agendas and scrutiny areas, the service reviews it leads, and its recommendations to SMT, SLT and the Board on care and support.',
    decidesHow: 'By agreement, led by the customer chair.',
    easyRead: [
      'The forum is a group of customers.',
      'Anyone who uses our care and support can join.',
      'A customer runs the meetings.',
      'The forum checks that our care and support is good and safe.',
      'It meets every 3 months.',
      'It tells the Board what it found.',
    ].join('\n'),
  },
};

interface Person {
  id: string;
  reference: string;
  name: string;
}

/** Customers now using services of these types, by reference: the demo's members. */
async function customersOf(tx: Queryable, serviceIds: string[], limit: number): Promise<Person[]> {
  if (serviceIds.length === 0) return [];
  return rowsOf<Person>(
    await tx.execute(sql`
      select distinct on (p.reference) p.id, p.reference,
        trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name
      from register_people p join register_person_services ps on ps.person_id = p.id
      where p.erased_at is null and ps.ended_on is null
        and ps.service_id::text in (${sql.join(
          serviceIds.map((id) => sql`${id}`),
          sql`, `,
        )})
        and p.email is distinct from 'customer@demo.example'
      order by p.reference
      limit ${limit}`),
  );
}

/** A meeting on a day, past or to come: participation's activity and the body's row. */
async function meetingOn(
  tx: Queryable,
  groupId: string,
  day: string,
  place: string,
): Promise<void> {
  const group = (await groupById(tx, groupId))!;
  const startsAt = londonDateTime(day, '10:30');
  const activityId = await createActivity(
    tx,
    DEMO_ACTOR,
    {
      initiativeId: group.initiativeId,
      kind: 'meeting',
      title: `${group.title}: ${dayInWords(day)}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
      location: place,
      onlineLink: null,
      capacity: null,
    },
    CONTEXT,
  );
  await tx.insert(groupMeetings).values({
    organisationId: sql`app_organisation_id()`,
    groupId,
    activityId,
    agendaDeadline: addDays(day, -group.agendaDaysBefore),
    papersDueOn: addDays(day, -group.papersDaysBefore),
    papersSentAt:
      startsAt.getTime() < Date.now() ? new Date(startsAt.getTime() - 8 * 86_400_000) : null,
  });
}

/** Sets up a body: the group, its terms, its seats and its members. */
async function body(
  tx: Queryable,
  spec: { group: GroupFields; terms: Omit<TermsFields, 'adoptedOn'> },
  seats: Array<SeatFields & { people: Person[]; named?: boolean; buddy?: string | null }>,
  joined: string,
): Promise<string> {
  const { id } = await createGroup(tx, DEMO_ACTOR, spec.group);
  await adoptTerms(tx, DEMO_ACTOR, id, { ...spec.terms, adoptedOn: joined });
  for (const seat of seats) {
    const { people, named, buddy, ...fields } = seat;
    const seatId = await addSeat(tx, DEMO_ACTOR, id, fields);
    for (const [n, person] of people.entries())
      await appointMember(
        tx,
        DEMO_ACTOR,
        id,
        {
          reference: person.reference,
          seatId,
          startsOn: joined,
          termEndsOn: null,
          filledBy: fields.fillBy,
          buddyPersonId: fields.holder === 'customer' ? (buddy ?? null) : null,
          // Most agreed to be named on the public page; every third did not.
          namedPublicly: named ?? n % 3 !== 2,
        },
        { ...CONTEXT, today: joined },
      );
  }
  return id;
}

/** The papers, minutes, decisions and actions of a meeting held, and its register. */
async function hold(
  tx: Queryable,
  meeting: MeetingView,
  members: Person[],
  record: {
    paper: [string, string, string];
    minutes: [string, string];
    decisions: Array<[string, string, string]>;
    absent?: Person | null;
  },
) {
  await addPaper(tx, DEMO_ACTOR, meeting, {
    title: record.paper[0],
    body: record.paper[1],
    easyRead: record.paper[2],
  });
  await recordMeetingAttendance(
    tx,
    DEMO_ACTOR,
    meeting,
    members.map((p, i) => ({
      personId: p.id,
      status:
        p.id === record.absent?.id
          ? i % 2
            ? 'apologies'
            : 'did_not_attend'
          : i % 7 === 6
            ? 'apologies'
            : 'attended',
      role: null,
      hours: null,
    })),
  );
  await saveMinutes(tx, DEMO_ACTOR, meeting, record.minutes[0], record.minutes[1]);
  for (const [what, why, easyRead] of record.decisions)
    await recordDecision(tx, DEMO_ACTOR, meeting, { what, why, easyRead });
}

/**
 * The demo's panels and forums (issue 11 §8): the Tenant and Landlord Panel
 * and the Care and Support Customer Forum from seed 000, published, with
 * their terms of reference as the seed writes them, seats, members from the
 * demo register (the demo customer sits on the forum), two quarterly
 * meetings held (papers with easy-read versions, the register, minutes,
 * decisions and actions, one carried over) and two to come, the next with an
 * item a member proposed waiting for the chair.
 */
export const groupsDemo: DemoSeeder = async (tx, demo) => {
  const today = demo.today;
  const joined = addMonths(today, -14);
  const services = await listServices(tx);
  const ofType = (...types: string[]) =>
    services.filter((s) => types.includes(s.type)).map((s) => s.id);
  const ofSpecialism = (...specialisms: string[]) =>
    services.filter((s) => s.specialism && specialisms.includes(s.specialism)).map((s) => s.id);
  const staff = await staffPeople(tx);
  const staffPerson = async (i: number): Promise<Person | null> => {
    const s = staff[i % Math.max(1, staff.length)];
    if (!s) return null;
    const [row] = rowsOf<Person>(
      await tx.execute(
        sql`select id, reference, first_name || ' ' || last_name as name from register_people where id = ${s.id}`,
      ),
    );
    return row ?? null;
  };
  const boardChair = await staffPerson(0);
  const housingDirector = await staffPerson(1);
  const careDirector = await staffPerson(2);
  const buddy = await staffPerson(3);
  const hostels = await customersOf(tx, ofType('hostel'), 2);
  const supported = await customersOf(tx, ofType('supported_housing'), 2);
  const unsupported = await customersOf(tx, ofType('unsupported'), 1);
  const [ben] = rowsOf<Person>(
    await tx.execute(sql`select id, reference, first_name || ' ' || last_name as name
      from register_people where email = 'customer@demo.example' and erased_at is null limit 1`),
  );
  const taken = new Set([...hostels, ...supported, ...unsupported].map((p) => p.id));
  const forumPool = (
    await customersOf(
      tx,
      ofSpecialism('learning_disabilities', 'mental_health', 'young_people', 'floating_support'),
      12,
    )
  ).filter((p) => !taken.has(p.id) && p.id !== ben?.id);
  const [forumChair, ...forumMembers] = forumPool.slice(0, 5);
  const one = (p: Person | null | undefined) => (p ? [p] : []);
  const place = (n: number) => (n ? 'Bridge House, meeting room 2' : 'The Foyer, community room');

  const elected = (
    label: string,
    serviceType: string | null,
    people: Person[],
  ): SeatFields & {
    people: Person[];
    buddy: string | null;
  } => ({
    label,
    holder: 'customer',
    places: 2,
    fillBy: 'election',
    serviceType,
    specialism: null,
    termMonths: 36,
    chairs: false,
    people,
    buddy: buddy?.id ?? null,
  });
  const panelId = await body(
    tx,
    TENANT_PANEL,
    [
      {
        label: 'Board Chair',
        holder: 'board',
        places: 1,
        fillBy: 'appointment',
        serviceType: null,
        specialism: null,
        termMonths: null,
        chairs: true,
        people: one(boardChair),
        named: true,
      },
      {
        label: 'Director of Housing and Support',
        holder: 'staff',
        places: 1,
        fillBy: 'appointment',
        serviceType: null,
        specialism: null,
        termMonths: null,
        chairs: false,
        people: one(housingDirector),
        named: true,
      },
      elected('Elected tenant: hostels', 'hostel', hostels),
      elected('Elected tenant: supported housing', 'supported_housing', supported),
      elected('Elected tenant: unsupported housing', 'unsupported', unsupported),
      elected("Elected tenant: other landlords' properties", null, []),
    ],
    joined,
  );
  const forumId = await body(
    tx,
    CARE_FORUM,
    [
      {
        label: 'Customer Chair',
        holder: 'customer',
        places: 1,
        fillBy: 'interview',
        serviceType: null,
        specialism: null,
        termMonths: 24,
        chairs: true,
        people: one(forumChair),
        named: true,
        buddy: buddy?.id ?? null,
      },
      {
        label: 'Board Chair',
        holder: 'board',
        places: 1,
        fillBy: 'appointment',
        serviceType: null,
        specialism: null,
        termMonths: null,
        chairs: false,
        people: one(boardChair),
        named: true,
      },
      {
        label: 'Director of Care',
        holder: 'staff',
        places: 1,
        fillBy: 'appointment',
        serviceType: null,
        specialism: null,
        termMonths: null,
        chairs: false,
        people: one(careDirector),
        named: true,
      },
      {
        label: 'Forum member',
        holder: 'customer',
        places: null,
        fillBy: 'open',
        serviceType: null,
        specialism: null,
        termMonths: null,
        chairs: false,
        people: [...one(ben), ...forumMembers],
        buddy: buddy?.id ?? null,
      },
    ],
    joined,
  );

  // Quarterly: two held, two to come (the next one's agenda still open).
  const days = (offset: number) => [
    addDays(addMonths(today, -5), offset),
    addDays(addMonths(today, -2), offset),
    addDays(today, 35 + offset),
    addDays(addMonths(addDays(today, 35), 3), offset),
  ];
  for (const [groupId, offset] of [
    [panelId, 0],
    [forumId, 7],
  ] as const)
    for (const [n, day] of days(offset).entries()) await meetingOn(tx, groupId, day, place(n % 2));

  const panelMembers = [
    ...one(boardChair),
    ...one(housingDirector),
    ...hostels,
    ...supported,
    ...unsupported,
  ];
  const forumPeople = [
    ...one(forumChair),
    ...one(boardChair),
    ...one(careDirector),
    ...one(ben),
    ...forumMembers,
  ];

  // The Tenant and Landlord Panel
  {
    const [first, second, next] = await meetingsOf(tx, panelId);
    await hold(tx, first!, panelMembers, {
      paper: [
        'Repairs performance, last quarter',
        'Routine repairs completed within target: 78% against a target of 90%. Emergency repairs attended within 24 hours: 97%. The main delay is the wait for a first visit to assess the job.',
        'We fixed most emergencies within 1 day.\nOther repairs took too long.\nThe first visit is often late.',
      ],
      minutes: [
        'The panel reviewed repairs performance and the voids standard. Members described long waits for a first visit in the hostels.',
        'We talked about repairs.\nSome repairs take too long.',
      ],
      decisions: [
        [
          'Recommend to SLT that the repairs report shows the days to a first visit.',
          'Tenants said the wait for the first visit is what they notice most.',
          'We asked our bosses to count how long the first visit takes.',
        ],
      ],
      absent: unsupported[0] ?? null,
    });
    const reportAction = await recordAction(tx, DEMO_ACTOR, first!, {
      what: 'Add days to a first visit to the quarterly repairs report',
      owner: 'Director of Housing and Support',
      dueOn: addDays(first!.day, 60),
    });
    const voidsAction = await recordAction(tx, DEMO_ACTOR, first!, {
      what: 'Walk round two empty homes with panel members to check the lettable standard',
      owner: 'Voids manager',
      dueOn: addDays(first!.day, 120),
    });
    await hold(tx, second!, panelMembers, {
      paper: [
        'Empty homes (voids) and the lettable standard',
        'Average time to relet: 41 days (target 28). Three homes were let below the lettable standard and were put right after complaints.',
        'Empty homes take too long to let.\nSome homes were not ready when people moved in.',
      ],
      minutes: [
        'The repairs report now shows days to a first visit. The voids walk-round has one home visited; the second is booked.',
        'The repairs report is better now.\nWe visited 1 empty home. We will visit 1 more.',
      ],
      decisions: [
        [
          'Tenants check every empty home in a hostel before it is let again, for six months.',
          'Three homes were let below the standard last quarter.',
          'Tenants will check empty homes before new people move in.',
        ],
      ],
      absent: unsupported[0] ?? null,
    });
    await updateAction(
      tx,
      DEMO_ACTOR,
      panelId,
      reportAction,
      {
        status: 'done',
        note: 'The report shows days to a first visit from this quarter.',
        meetingId: second!.id,
      },
      second!.day,
    );
    await updateAction(
      tx,
      DEMO_ACTOR,
      panelId,
      voidsAction,
      {
        status: 'in_progress',
        note: 'One home visited; the second is booked.',
        meetingId: second!.id,
      },
      second!.day,
    );
    await recordAction(tx, DEMO_ACTOR, second!, {
      what: 'Bring the ASB case review figures to the next meeting',
      owner: 'Head of Housing',
      dueOn: addDays(next!.day, -14),
    });
    await addPaper(tx, DEMO_ACTOR, next!, {
      title: 'Anti-social behaviour cases',
      body: 'Cases opened this year: 46. Closed with the reporter satisfied: 31. Average time to close: 38 days.',
      easyRead: 'People told us about 46 problems with neighbours.\nWe sorted out 31.',
    });
    await proposeItem(
      tx,
      DEMO_ACTOR,
      next!,
      { title: 'Repairs performance', detail: null },
      { personId: null, label: 'Clerk', staff: true },
      today,
    );
    if (hostels[0])
      await proposeItem(
        tx,
        DEMO_ACTOR,
        next!,
        {
          title: 'Lighting in the hostel car parks',
          detail: 'Several of us feel unsafe walking back after dark.',
        },
        { personId: hostels[0].id, label: hostels[0].name, staff: false },
        today,
      );
  }

  // The Care and Support Customer Forum
  {
    const [first, second, next] = await meetingsOf(tx, forumId);
    await hold(tx, first!, forumPeople, {
      paper: [
        'Quality report',
        'Twelve services were visited by Quality Checkers. Ten met the standard. Two need to improve how they involve customers in support planning.',
        'Quality Checkers visited 12 services.\n10 were good.\n2 need to ask customers more about their support.',
      ],
      minutes: [
        'The customer chair opened the forum. Members looked at the quality report and asked why support workers change so often.',
        'We looked at how good our services are.\nWe asked why support workers change a lot.',
      ],
      decisions: [
        [
          'The forum will lead a review of staff turnover in mental health services.',
          'Members said changing support workers means telling their story again.',
          'We will look at why staff leave.',
        ],
      ],
    });
    const turnover = await recordAction(tx, DEMO_ACTOR, first!, {
      what: 'Share staff turnover figures by service, in easy read',
      owner: 'Director of Care',
      dueOn: addDays(first!.day, 45),
    });
    await hold(tx, second!, forumPeople, {
      paper: [
        'Staff turnover in mental health services',
        'Turnover in mental health services was 31% last year, against 22% across the organisation. Exit interviews name workload and pay.',
        'Many staff left mental health services.\nThey said the work was too much.\nThey said the pay was too low.',
      ],
      minutes: [
        'Members heard the turnover figures and agreed the questions for the review.',
        'We saw how many staff left.\nWe agreed what to ask.',
      ],
      decisions: [
        [
          'Customers will sit on the interview panel for every new support worker in mental health services.',
          'Members want a say in who supports them.',
          'Customers will help choose new support workers.',
        ],
      ],
    });
    await updateAction(
      tx,
      DEMO_ACTOR,
      forumId,
      turnover,
      {
        status: 'done',
        note: 'Shared at the meeting, with an easy-read version.',
        meetingId: second!.id,
      },
      second!.day,
    );
    await recordAction(tx, DEMO_ACTOR, second!, {
      what: 'Train four forum members to sit on interview panels',
      owner: 'Co-production lead',
      dueOn: addDays(next!.day, 30),
    });
    await addPaper(tx, DEMO_ACTOR, next!, {
      title: 'Customer survey results',
      body: 'Satisfaction with support: 84%. Feeling listened to: 71%. Knowing how to complain: 63%.',
      easyRead:
        'Most people like their support.\nSome people do not feel listened to.\nSome people do not know how to complain.',
    });
    if (forumMembers[0]) {
      const item = await proposeItem(
        tx,
        DEMO_ACTOR,
        next!,
        { title: 'Digital inclusion: help getting online', detail: null },
        { personId: forumMembers[0].id, label: forumMembers[0].name, staff: false },
        today,
      );
      if ('id' in item)
        await decideItem(tx, DEMO_ACTOR, next!.id, item.id, 'accepted', 'Yes, on the agenda.');
    }
  }
};
