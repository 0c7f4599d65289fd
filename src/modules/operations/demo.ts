import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { financialYearOf } from '../../platform/periods/index.ts';
import { listServices } from '../people/index.ts';
import { SPECS, type OperationsKind, type Values } from './kinds.ts';
import { insertRecords } from './store.ts';

/**
 * The demo organisation's operational records for the last financial year
 * and this one (issue 14 §9), so the KPIs tell a story: last year recruitment
 * involvement (70%), quality checkers on audits (33%), feedback sought on
 * repairs (35%) and volunteer obligations (75%) fell short and some complaint
 * stages were answered late; this year most targets are met, complaints are
 * answered on time more often, and one panel still sat without two customers.
 * Made as history: no events are raised (no survey goes out for an old repair).
 */
export async function seedOperationsDemo(
  tx: Queryable,
  demo: { organisationId: string; today: string; random: () => number },
): Promise<void> {
  const random = demo.random;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const chance = (p: number) => random() < p;
  const thisYear = financialYearOf(demo.today);
  const lastYear = thisYear.year - 1;
  const services = await listServices(tx);
  const service = () => (services.length ? services[int(0, services.length - 1)]!.id : null);
  const people = rowsOf<{ id: string }>(
    await tx.execute(
      sql`select id from register_people where erased_at is null order by reference limit 40`,
    ),
  ).map((p) => p.id);
  const person = () => (people.length && chance(0.3) ? people[int(0, people.length - 1)]! : null);
  const day = (iso: string, days: number) =>
    new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  /** A day in a financial year, never after today. */
  const dayIn = (year: number, lastDay = 364) => {
    const start = `${year}-04-01`;
    const latest = Math.min(
      lastDay,
      Math.floor((Date.parse(demo.today) - Date.parse(start)) / 86_400_000),
    );
    return day(start, int(0, Math.max(0, latest)));
  };
  const rows: Record<OperationsKind, Array<{ reference: string; values: Values }>> = {
    recruitment: [],
    audits: [],
    complaints: [],
    repairs: [],
    'volunteer-obligations': [],
    'asb-cases': [],
  };
  const menu = ['interview_panel', 'question_setting', 'shortlisting', 'informal_meeting'];

  for (const [year, story] of [
    [
      lastYear,
      {
        recruitments: 20,
        involved: 0.7,
        audits: 15,
        checker: 0.33,
        repairs: 300,
        feedback: 0.35,
        offered: 0.6,
        late: 0.3,
      },
    ],
    [
      thisYear.year,
      {
        recruitments: 12,
        involved: 0.92,
        audits: 10,
        checker: 0.5,
        repairs: 200,
        feedback: 0.56,
        offered: 0.92,
        late: 0.1,
      },
    ],
  ] as const) {
    for (let i = 0; i < story.recruitments; i++) {
      const opened = dayIn(year, 300);
      const used = i < Math.round(story.recruitments * story.involved);
      rows.recruitment.push({
        reference: `DEMO-REC-${year}-${i + 1}`,
        values: {
          title: ['Support worker', 'Housing officer', 'Cook', 'Night worker', 'Team leader'][
            i % 5
          ]!,
          service_id: service(),
          opened_on: opened,
          closed_on: day(opened, int(14, 40)) > demo.today ? null : day(opened, int(14, 40)),
          involvement: used ? menu.filter((_, j) => j === 0 || chance(0.4)) : [],
        },
      });
    }
    const leftOut = ['implementation', 'follow_up', 'regulatory', 'retender'];
    for (let i = 0; i < story.audits + 4; i++) {
      const counted = i < story.audits;
      const rating = ['good', 'outstanding', 'requires_improvement', 'good', 'inadequate'][i % 5]!;
      rows.audits.push({
        reference: `DEMO-QA-${year}-${i + 1}`,
        values: {
          service_id: service(),
          audit_type: counted ? (i % 3 === 0 ? 'thematic' : 'standard') : leftOut[i % 4]!,
          completed_on: dayIn(year),
          rating,
          customer_quality_checkers: counted
            ? i < Math.round(story.audits * story.checker)
              ? int(1, 2)
              : 0
            : int(0, 2),
          strengths: [
            'Staff know each person well',
            'Residents choose the menu each week',
            'The garden is kept by residents',
          ].join('\n'),
        },
      });
    }
    for (let i = 0; i < 40; i++) {
      const received = dayIn(year, 330);
      const acknowledged = chance(0.85) ? day(received, int(1, 4)) : null;
      const late = chance(story.late);
      const responded = day(acknowledged ?? day(received, 7), late ? int(16, 25) : int(5, 12));
      const answered = responded <= demo.today ? responded : null;
      const who = person();
      rows.complaints.push({
        reference: `DEMO-C-${year}-${i + 1}`,
        values: {
          stage: 1,
          received_on: received,
          acknowledged_on: acknowledged,
          responded_on: answered,
          extended_to: null,
          feedback_offered_on: answered && chance(story.offered) ? answered : null,
          panel_customer_reps: null,
          service_id: service(),
          person_id: who,
        },
      });
      if (answered && i % 5 === 0) {
        const escalated = day(answered, int(3, 10));
        const stage2 = day(escalated, int(15, late ? 40 : 26));
        rows.complaints.push({
          reference: `DEMO-C-${year}-${i + 1}`,
          values: {
            stage: 2,
            received_on: escalated,
            acknowledged_on: day(escalated, 2),
            responded_on: stage2 <= demo.today ? stage2 : null,
            extended_to: null,
            feedback_offered_on: null,
            panel_customer_reps: null,
            service_id: service(),
            person_id: who,
          },
        });
        if (i % 10 === 0 && stage2 <= demo.today) {
          const panel = day(stage2, int(10, 20));
          rows.complaints.push({
            reference: `DEMO-C-${year}-${i + 1}`,
            values: {
              stage: 3,
              received_on: day(stage2, 3),
              acknowledged_on: null,
              responded_on: panel <= demo.today ? panel : null,
              extended_to: null,
              feedback_offered_on: null,
              panel_customer_reps: i === 0 ? 1 : 2,
              service_id: service(),
              person_id: who,
            },
          });
        }
      }
    }
    for (let i = 0; i < story.repairs; i++) {
      const emergency = chance(0.2);
      const reported = dayIn(year, 350);
      const completed = day(reported, emergency ? int(0, 2) : int(3, 35));
      const done = completed <= demo.today ? completed : null;
      rows.repairs.push({
        reference: `DEMO-R-${year}-${String(i + 1).padStart(4, '0')}`,
        values: {
          service_id: service(),
          priority: emergency ? 'emergency' : 'non_emergency',
          reported_on: reported,
          target_on: day(reported, emergency ? 1 : 28),
          completed_on: done,
          feedback_requested_on: done && chance(story.feedback) ? day(done, 1) : null,
          person_id: person(),
        },
      });
    }
    for (let i = 0; i < 8; i++) {
      const required = int(8, 20);
      const end = i % 2 === 0 ? `${year}-09-30` : `${year + 1}-03-31`;
      if (end > demo.today) continue;
      rows['volunteer-obligations'].push({
        reference: `DEMO-PSV-${year}-${i + 1}`,
        values: {
          service_id: service(),
          period_start: i % 2 === 0 ? `${year}-04-01` : `${year}-10-01`,
          period_end: end,
          required,
          delivered: year === lastYear && i % 4 === 3 ? required - int(1, 4) : required + int(0, 2),
        },
      });
    }
    for (let i = 0; i < 12; i++)
      rows['asb-cases'].push({
        reference: `DEMO-ASB-${year}-${i + 1}`,
        values: { opened_on: dayIn(year), hate_incident: i % 6 === 0 },
      });
    await tx.execute(sql`insert into homes_counts (organisation_id, year, tenure, homes) values
      (app_organisation_id(), ${year}, 'LCRA', ${year === lastYear ? 2380 : 2410}),
      (app_organisation_id(), ${year}, 'LCHO', ${year === lastYear ? 290 : 310})
      on conflict (organisation_id, year, tenure) do nothing`);
  }
  for (const kind of Object.keys(rows) as OperationsKind[])
    await insertRecords(tx, SPECS[kind], rows[kind]);
}
