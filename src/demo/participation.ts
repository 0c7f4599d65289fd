import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../platform/db/index.ts';
import { initiatives } from '../modules/initiatives/index.ts';
import { participationTables } from '../modules/participation/index.ts';

const { activities, attendance, invitations, opportunities, rewardBudgets, rewards, signUps } =
  participationTables;
import { daysFrom, type seededRandom } from './random.ts';

type Random = ReturnType<typeof seededRandom>;

const PURPOSE = {
  panel: {
    canChange:
      'How we spend the tenant improvement budget, which policies we review first, and the standards our services must meet.',
    fixed:
      'The law on rents and safety, and our regulator’s standards. We cannot change these, but we can change how we meet them.',
    decider: 'The panel and the Board decide together. The Board signs off spending over £10,000.',
    feedback:
      'Minutes go to every member within two weeks, and a “You said, we did” update is published every three months.',
  },
  repairs: {
    canChange:
      'How you report a repair, how we keep you updated, and what a good repair visit looks like.',
    fixed:
      'Gas and electrical safety checks stay as they are: they are required by law. The repairs budget for this year is set.',
    decider: 'The design group agrees the new process; the Director of Property signs it off.',
    feedback:
      'We will write to everyone who took part in March, and put the changes on our website.',
  },
  quality: {
    canChange: 'What Quality Checkers look at on their visits and how their reports are written.',
    fixed: 'Care Quality Commission (CQC) standards: these are set nationally.',
    decider: 'The Quality team decides on actions, with the service manager.',
    feedback: 'Each service gets its report within a month, and checkers hear what changed.',
  },
  recruitment: {
    canChange: 'The questions we ask and which candidate the panel recommends.',
    fixed: 'The salary and the job description, agreed by the Board.',
    decider: 'The interview panel, with customers as equal members, makes the decision.',
    feedback: 'Panel members hear the outcome within a week of the interviews.',
  },
  survey: {
    canChange: 'Which services we look at first, based on what you tell us.',
    fixed: 'The survey questions are set by the Regulator of Social Housing.',
    decider: 'The Executive team decides on actions, and reports them to the panel.',
    feedback: 'Results and what we will do about them are published in the summer.',
  },
};

/**
 * Initiatives at several rungs with purpose statements, published
 * opportunities, activities with invitations, attendance and hours, rewards
 * under the default policy (£10 an hour, at most £30 an activity) and a
 * budget, so that the ladder profile, the rewards pages and a person's
 * timeline tell a story. Deterministic for a seed and a day.
 */
export async function seedParticipation(
  tx: Queryable,
  orgId: string,
  random: Random,
  today: Date,
): Promise<void> {
  const customers = rowsOf<{ id: string }>(
    await tx.execute(sql`select id from people where 'customer' = any(kinds) and 'register' = any(consents)
      and erased_at is null order by reference`),
  ).map((r) => r.id);
  const made = await tx
    .insert(initiatives)
    .values([
      {
        organisationId: orgId,
        title: 'Tenant and Landlord Panel',
        kind: 'panel',
        rung: 7,
        summary: 'A group of tenants who work with our Board to run our services together.',
        rungEvidence: 'Panel members vote on policy changes alongside Board members.',
        ...PURPOSE.panel,
        status: 'active',
        ownerName: 'Priya Shah',
        startsOn: daysFrom(today, -700),
      },
      {
        organisationId: orgId,
        title: 'Redesigning the repairs service',
        kind: 'co_production',
        rung: 5,
        summary: 'Tenants and staff design a better way to report and fix repairs.',
        rungEvidence: 'Tenants write the new process with staff; managers sign it off.',
        ...PURPOSE.repairs,
        status: 'active',
        ownerName: 'Sam Taylor',
        startsOn: daysFrom(today, -120),
        endsOn: daysFrom(today, 120),
      },
      {
        organisationId: orgId,
        title: 'Quality Checkers programme',
        kind: 'quality_audit',
        rung: 4,
        summary: 'Trained customers visit our services and tell us what it is like to live there.',
        rungEvidence: 'Checkers’ findings shape each service’s action plan.',
        ...PURPOSE.quality,
        status: 'active',
        ownerName: 'Priya Shah',
        startsOn: daysFrom(today, -500),
      },
      {
        organisationId: orgId,
        title: 'Recruiting a Head of Housing',
        kind: 'recruitment',
        rung: 4,
        summary: 'Customers help choose our new Head of Housing.',
        rungEvidence: 'Customers sit on the interview panel as equal members.',
        ...PURPOSE.recruitment,
        status: 'active',
        ownerName: 'Alex Morgan',
        startsOn: daysFrom(today, -30),
        endsOn: daysFrom(today, 45),
      },
      {
        organisationId: orgId,
        title: 'Tenant satisfaction survey 2026',
        kind: 'consultation',
        rung: 3,
        summary: 'Our yearly survey of how satisfied tenants are.',
        rungEvidence: 'Tenants answer questions; we decide what to do.',
        ...PURPOSE.survey,
        status: 'active',
        ownerName: 'Jo Evans',
        startsOn: daysFrom(today, -60),
      },
      {
        organisationId: orgId,
        title: 'Welcome sessions for new tenants',
        kind: 'event',
        rung: 1,
        summary: 'Sessions that explain how our services work.',
        rungEvidence: 'We explain; new tenants learn and ask questions.',
        status: 'active',
        ownerName: 'Sam Taylor',
        startsOn: daysFrom(today, -200),
        canChange: 'What we cover in future sessions.',
        fixed: 'The tenancy agreement.',
        decider: 'The housing team.',
        feedback: 'We tell each session what we changed from the last one.',
      },
      {
        organisationId: orgId,
        title: 'Annual service information evening',
        kind: 'event',
        rung: 0,
        summary: 'A presentation about our year. People listen; there is no say in decisions.',
        status: 'draft',
        ownerName: 'Jo Evans',
      },
    ])
    .returning({ id: initiatives.id, rung: initiatives.rung });
  const [panel, repairs, quality, recruitment] = made;

  await tx.insert(opportunities).values([
    {
      organisationId: orgId,
      initiativeId: repairs!.id,
      title: 'Help us design a better repairs service',
      description:
        'Join four workshops with staff and other tenants. Tell us what works and what does not when you report a repair, and help write the new process.',
      timeAsked: 'Four workshops of two hours, one a month',
      whenWhere: 'Brightwater office, Grey Street, Newcastle. Tea and lunch provided.',
      accessProvisions: [
        'step_free',
        'hearing_loop',
        'papers_in_advance',
        'companion',
        'travel_support',
        'easy_read',
      ],
      rewardOffered: '£10 voucher for each hour, up to £30 a workshop, and travel costs paid.',
      whoCanApply: 'Any tenant or family member.',
      closesOn: daysFrom(today, 30),
      interests: ['repairs'],
      status: 'published',
      publishedAt: new Date(`${daysFrom(today, -10)}T09:00:00Z`),
    },
    {
      organisationId: orgId,
      initiativeId: quality!.id,
      title: 'Become a Quality Checker',
      description:
        'Visit our services with another checker and tell us what it feels like to live there. We give you training first.',
      // Easy read (issue 10 §3): short sentences, one a line, points parted by an empty line.
      easyRead: [
        'You visit places where people live.\nAnother Quality Checker comes with you.',
        'You tell us how it feels to live there.\nWe listen and make things better.',
        'We train you first.\nA visit is about once a month.',
        'We pay you £10 for each hour.\nWe pay for taxis.',
      ].join('\n\n'),
      timeAsked: 'About one visit a month',
      whenWhere: 'Services across Newcastle. We pay for taxis.',
      accessProvisions: [
        'step_free',
        'companion',
        'travel_support',
        'easy_read',
        'phone_reminders',
      ],
      rewardOffered: '£10 an hour, up to £30 a visit, and travel costs paid.',
      whoCanApply: 'People who use our services, and their carers.',
      closesOn: daysFrom(today, 45),
      interests: ['quality'],
      status: 'published',
      publishedAt: new Date(`${daysFrom(today, -20)}T09:00:00Z`),
    },
    {
      organisationId: orgId,
      initiativeId: recruitment!.id,
      title: 'Sit on an interview panel',
      description:
        'Help us choose our new Head of Housing. We train you first and you ask your own questions.',
      timeAsked: 'One training session and one interview day',
      whenWhere: 'Online training, then interviews at our office.',
      mode: 'both',
      accessProvisions: ['step_free', 'papers_in_advance', 'quiet_space', 'bsl_interpreter'],
      rewardOffered: '£10 an hour, up to £30 a day, and travel costs paid.',
      whoCanApply: 'Any tenant.',
      closesOn: daysFrom(today, 14),
      interests: ['recruitment'],
      status: 'published',
      publishedAt: new Date(`${daysFrom(today, -5)}T09:00:00Z`),
    },
  ]);

  // Activities: monthly panel meetings and repairs workshops in the past,
  // audit visits, and some to come.
  const plan: Array<{
    initiativeId: string;
    kind: string;
    title: string;
    day: number;
    hours: number;
  }> = [];
  for (let m = 1; m <= 6; m++)
    plan.push({
      initiativeId: panel!.id,
      kind: 'meeting',
      title: 'Panel meeting',
      day: -30 * m,
      hours: 2,
    });
  for (let w = 1; w <= 3; w++)
    plan.push({
      initiativeId: repairs!.id,
      kind: 'workshop',
      title: `Repairs workshop ${w}`,
      day: -90 + 30 * w,
      hours: 2.5,
    });
  for (let v = 1; v <= 4; v++)
    plan.push({
      initiativeId: quality!.id,
      kind: 'audit_visit',
      title: `Quality check visit ${v}`,
      day: -25 * v,
      hours: 3.5,
    });
  plan.push({
    initiativeId: panel!.id,
    kind: 'meeting',
    title: 'Panel meeting',
    day: 10,
    hours: 2,
  });
  plan.push({
    initiativeId: repairs!.id,
    kind: 'workshop',
    title: 'Repairs workshop 4',
    day: 24,
    hours: 2.5,
  });
  const made2 = await tx
    .insert(activities)
    .values(
      plan.map((p) => {
        const starts = new Date(`${daysFrom(today, p.day)}T10:00:00Z`);
        return {
          organisationId: orgId,
          initiativeId: p.initiativeId,
          kind: p.kind,
          title: p.title,
          startsAt: starts,
          endsAt: new Date(starts.getTime() + p.hours * 3600_000),
          location: 'Brightwater office, Grey Street, Newcastle',
          capacity: 15,
          status: 'planned',
        };
      }),
    )
    .returning({ id: activities.id });

  const invites = [];
  const present = [];
  const paid = [];
  for (let a = 0; a < plan.length; a++) {
    const p = plan[a]!;
    const group = customers.slice((a % 5) * 9, (a % 5) * 9 + 10);
    for (const personId of group) {
      invites.push({
        organisationId: orgId,
        activityId: made2[a]!.id,
        personId,
        tokenHash: `demo-${a}-${personId}`,
        rsvp: p.day < 0 ? (random.chance(0.8) ? 'yes' : 'no') : null,
        invitedAt: new Date(`${daysFrom(today, p.day - 14)}T09:00:00Z`),
      });
      if (p.day >= 0) continue;
      const status = random.chance(0.75)
        ? 'attended'
        : random.chance(0.6)
          ? 'apologies'
          : 'did_not_attend';
      present.push({
        organisationId: orgId,
        activityId: made2[a]!.id,
        personId,
        status,
        role: a < 6 && personId === group[0] ? 'Co-chair' : 'Member',
        hours: status === 'attended' ? p.hours : 0,
      });
      if (status === 'attended') {
        const amount = Math.min(Math.round(p.hours * 1000), 3000);
        const choice = random.chance(0.1) ? 'declined' : random.chance(0.3) ? 'payment' : 'voucher';
        const old = p.day < -40;
        paid.push({
          organisationId: orgId,
          personId,
          activityId: made2[a]!.id,
          amountPence: amount,
          choice,
          status: choice === 'declined' ? 'declined' : old ? 'paid' : 'due',
          earnedOn: daysFrom(today, p.day),
          paidOn: choice !== 'declined' && old ? daysFrom(today, p.day + 7) : null,
        });
      }
    }
  }
  await tx.insert(invitations).values(invites);
  await tx.insert(attendance).values(present);
  await tx.insert(rewards).values(paid);
  // The people who came were involved on that day.
  await tx.execute(sql`update people p set last_involved_on = a.last
    from (select at.person_id, max(ac.starts_at)::date as last from attendance at
          join activities ac on ac.id = at.activity_id where at.status = 'attended' group by at.person_id) a
    where p.id = a.person_id and (p.last_involved_on is null or p.last_involved_on < a.last)`);

  const year = today.getUTCMonth() >= 3 ? today.getUTCFullYear() : today.getUTCFullYear() - 1;
  await tx.insert(rewardBudgets).values({ organisationId: orgId, year, amountPence: 500_000 });

  // Two sign-ups waiting for a decision.
  const [firstOpportunity] = rowsOf<{ id: string }>(
    await tx.execute(sql`select id from opportunities order by title limit 1`),
  );
  await tx.insert(signUps).values(
    customers.slice(200, 202).map((personId) => ({
      organisationId: orgId,
      opportunityId: firstOpportunity!.id,
      personId,
      takePart: 'I would like to come to the workshops. I can do mornings.',
    })),
  );
}
