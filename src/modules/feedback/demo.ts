import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import type { DemoSeeder } from '../../platform/manifest.ts';
import { financialQuarterOf, previousPeriod } from '../../platform/periods/index.ts';
import { listServices } from '../people/index.ts';
import { closeLoop, completeAction, createAction, findAction } from './actions.ts';
import { editionContent, publishEdition } from './editions.ts';
import { recordItems, type FeedbackChannel, type ItemInput } from './items.ts';

const DEMO_ACTOR: Actor = { userId: null, label: 'demo seed', ip: null };

/** What people say in housing and care, by channel: the demo's words. */
const SAID: Array<[FeedbackChannel, string]> = [
  ['meeting', 'Several panel members said the damp in the Hill Road flats keeps coming back.'],
  ['drop_in', 'Black mould in my bathroom again, I have reported it twice.'],
  ['survey', 'The repair took three weeks and nobody told me when they were coming.'],
  ['phone', 'I waited on the phone for forty minutes to report a leak.'],
  ['email', 'Thank you to the caretaker, the communal hallway is spotless.'],
  ['social_media', 'The lift at Grey Street has been broken all week.'],
  ['suggestion_box', 'Could we have a coffee morning at the scheme? Some of us are lonely.'],
  ['one_to_one', 'My support worker changes every month and I have to explain everything again.'],
  ['complaint', 'The contractor left a mess and did not fix the boiler.'],
  ['on_behalf', 'Her son says she needs letters in large print.'],
  ['survey', 'Staff are kind and they listen to me.'],
  ['drop_in', 'Damp walls in the back bedroom, the children keep coughing.'],
  ['meeting', 'The forum wants to be asked before the service charges go up.'],
  ['phone', 'Nobody called back about my repair.'],
  ['web_form', 'The new website is easier to use to report repairs, thank you.'],
  ['social_media', 'Loud music on the estate every night after midnight.'],
];

/**
 * The demo's feedback: two quarters of items from every channel about the
 * register's people and services, themed by the keyword rules; three actions
 * ("we did", "we will", "we can't"), the first done with its people told; and
 * last quarter's "You said, we did" published.
 */
export const feedbackDemo: DemoSeeder = async (tx, demo) => {
  const people = rowsOf<{ id: string; has_email: boolean }>(
    await tx.execute(sql`select id, email is not null as has_email from register_people
      where erased_at is null order by reference limit 60`),
  );
  const services = await listServices(tx);
  const thisQuarter = financialQuarterOf(demo.today);
  const lastQuarter = previousPeriod(thisQuarter);
  const day = (from: string, to: string) => {
    const a = Date.parse(from);
    const b = Math.min(Date.parse(to), Date.parse(demo.today));
    return new Date(a + Math.floor(demo.random() * Math.max(1, b - a))).toISOString().slice(0, 10);
  };
  const inputs: ItemInput[] = [];
  for (let i = 0; i < 48; i++) {
    const [channel, text] = SAID[i % SAID.length]!;
    const person = people.length && demo.random() < 0.7 ? people[i % people.length]! : null;
    const quarter = i < 20 ? lastQuarter : thisQuarter;
    const hearBack = person !== null && person.has_email && demo.random() < 0.6;
    inputs.push({
      channel,
      sourceDetail: channel === 'meeting' ? 'Tenant and Landlord Panel minutes' : '',
      receivedOn: day(quarter.from, quarter.to),
      serviceId: services.length ? services[i % services.length]!.id : null,
      initiativeId: null,
      personId: person?.id ?? null,
      anonymous: person === null,
      text,
      mayQuote: demo.random() < 0.5,
      hearBack,
      hearBackChannel: hearBack ? 'email' : null,
      loggedBy: null,
    });
  }
  const ids = await recordItems(tx, DEMO_ACTOR, inputs);
  const damp = ids.filter(
    (_, i) => /damp|mould/i.test(inputs[i]!.text) && inputs[i]!.receivedOn <= lastQuarter.to,
  );
  const quote = damp.find((id) => inputs[ids.indexOf(id)]!.mayQuote) ?? null;
  const did = await createAction(
    tx,
    DEMO_ACTOR,
    {
      kind: 'did',
      youSaid: 'You told us damp and mould keep coming back in the Hill Road flats.',
      weDid: 'We checked every flat, fitted new fans in the bathrooms and treated the walls.',
      reason: '',
      youSaidEasy: 'You said your home has damp and mould.',
      weDidEasy: 'We fixed the walls. We put in new fans.',
      owner: 'Head of Property',
      dueOn: lastQuarter.to,
      status: 'in_progress',
      publish: true,
      specialisms: [],
      quoteItemId: quote,
    },
    damp,
  );
  await completeAction(
    tx,
    DEMO_ACTOR,
    (await findAction(tx, did))!,
    'Every flat on Hill Road has a new fan.',
    {
      today: lastQuarter.to < demo.today ? lastQuarter.to : demo.today,
      baseUrl: '',
    },
  );
  await closeLoop(tx, did, { baseUrl: '', today: demo.today });
  const calls = ids.filter((_, i) => /phone|called back/i.test(inputs[i]!.text));
  await createAction(
    tx,
    DEMO_ACTOR,
    {
      kind: 'will',
      youSaid: 'You told us it takes too long to get through on the phone.',
      weDid: 'We will add two more people to answer calls in the mornings, from next month.',
      reason: '',
      youSaidEasy: 'You said you wait a long time on the phone.',
      weDidEasy: 'We will have more people to answer the phone.',
      owner: 'Customer Services Manager',
      dueOn: thisQuarter.to,
      status: 'open',
      publish: true,
      specialisms: [],
      quoteItemId: null,
    },
    calls,
  );
  const lift = ids.filter((_, i) => /lift/i.test(inputs[i]!.text));
  await createAction(
    tx,
    DEMO_ACTOR,
    {
      kind: 'cant',
      youSaid: 'You asked us to put a second lift in at Grey Street.',
      weDid: 'We cannot add a second lift.',
      reason:
        'The building has no room for one. We have moved the lift service to a faster contractor.',
      youSaidEasy: 'You asked for a second lift.',
      weDidEasy: 'We cannot add a lift. There is no room.',
      owner: 'Head of Property',
      dueOn: null,
      status: 'open',
      publish: true,
      specialisms: [],
      quoteItemId: null,
    },
    lift,
  );
  const period = financialQuarterOf(lastQuarter.to < demo.today ? lastQuarter.to : demo.today);
  await publishEdition(
    tx,
    DEMO_ACTOR,
    period,
    '',
    'Thank you to everyone who told us what they think.',
    await editionContent(tx, period, ''),
  );
};
