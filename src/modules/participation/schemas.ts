/**
 * The shapes of the participation module's requests. Lenient by design (see
 * platform/forms/schema.ts): the services check meaning and say what to fix.
 */
import { file, form, list, params, text } from '../../platform/forms/schema.ts';

/** The staff list of opportunities, filtered by status. */
export const OpportunityListQuery = form({ status: text(), waiting: text() });

/** A new opportunity, started from an initiative's page. */
export const NewOpportunityQuery = form({ initiative: text() });

/** The opportunity form. */
export const OpportunityForm = form({
  /** The initiative it belongs to, an id. */
  initiativeId: text(),
  title: text(),
  description: text(),
  /** The easy-read version (optional). */
  easyRead: text(),
  timeAsked: text(),
  whenWhere: text(),
  /** in_person, online or both. */
  mode: text(),
  /** Access needs catered for, codes. */
  accessProvisions: list(),
  rewardOffered: text(),
  /** yes or no. */
  expensesOffered: text(),
  whoCanApply: text(),
  /** The closing date's GOV.UK date input. */
  'closesOn-day': text(),
  'closesOn-month': text(),
  'closesOn-year': text(),
  /** Interest codes, for matching. */
  interests: list(),
});

/** The banner after a change (saved=created, updated, published…) or after emailing matches. */
export const OpportunityShowQuery = form({ saved: text(), mailed: text() });

/** Publishing: yes once the plain-English findings have been read. */
export const PublishForm = form({ confirmFindings: text() });

/** Declining a sign-up: the message to send. */
export const DeclineForm = form({ message: text() });

/** The matches page after emailing: how many were sent, or why none were. */
export const MatchesQuery = form({ sent: text(), notPublished: text() });

/** A list or a new activity, narrowed to (or started from) an initiative. */
export const InitiativeQuery = form({ initiative: text(), waiting: text() });

/**
 * The activities list: its filters (an initiative's id; waiting=unanswered)
 * and the page of each table, from 1 (anything else is the first).
 */
export const ActivityListQuery = form({
  initiative: text(),
  waiting: text(),
  upcomingPage: text(),
  pastPage: text(),
});

/** The activity form. */
export const ActivityForm = form({
  /** The initiative it belongs to, an id. */
  initiativeId: text(),
  /** A code from the activity_kind list. */
  kind: text(),
  title: text(),
  /** The day's GOV.UK date input. */
  'date-day': text(),
  'date-month': text(),
  'date-year': text(),
  /** 24-hour times, such as 18:30. */
  startTime: text(),
  endTime: text(),
  location: text(),
  /** An https link for an online activity. */
  onlineLink: text(),
  /** How many places, when limited. */
  capacity: text(),
});

/** An activity's page: the banner flags after a change (saved=1, invited=3 …), read by name. */
export const ActivityShowQuery = form({});

/** Inviting people by their register references, one a line or separated by commas. */
export const InvitationsForm = form({ references: text() });

/** The invite page: a search of the register by name (or reference, email, postcode). */
export const InviteSearchQuery = form({ q: text() });

/** People ticked on the invite page, by id, and the search they came from (to show it again). */
export const InvitePeopleForm = form({ personId: list(), q: text() });

/** A saved list of the people page to invite, by id. */
export const InviteListForm = form({ listId: text() });

/**
 * The answers and the attendance register: one field a person or question
 * (answer-…, attended-…, hours-…), read by the service by pattern.
 */
export const RegisterForm = form({});

/** An invitation's link. */
export const RsvpParams = params('token');

/** The RSVP page after answering: done=1. */
export const RsvpQuery = form({ done: text() });

/** An RSVP: yes, no or maybe. */
export const RsvpForm = form({ answer: text() });

/** The ladder profile's period (two GOV.UK date inputs, from and to) and its measure. */
export const LadderProfileQuery = form({
  'from-day': text(),
  'from-month': text(),
  'from-year': text(),
  'to-day': text(),
  'to-month': text(),
  'to-year': text(),
  measure: text(),
});

/** A public opportunity's page, its poster and its sign-up form. */
export const OpportunityParams = params('id');

/** The public list's filters; each is ignored unless it is one the list offers. */
export const PublicListQuery = form({
  interest: text(),
  /** online or in_person. */
  mode: text(),
  /** An access need code. */
  need: text(),
});

/** The public sign-up form's fields. */
const signUpFields = {
  firstName: text(),
  lastName: text(),
  email: text(),
  phone: text(),
  addressLine1: text(),
  addressLine2: text(),
  town: text(),
  postcode: text(),
  /** How to reply: a code from CHANNELS. */
  channel: text(),
  /** What they would like to do. */
  takePart: text(),
  /** Access needs, codes, and a note. */
  needs: list(),
  needsNote: text(),
  /** yes to join the register; yes to hear of other ways to get involved. */
  consentRegister: text(),
  consentContact: text(),
  /** The field people cannot see (HONEYPOT_FIELD): a program that fills it is told all went well. */
  website: text(),
};

/** The public sign-up form. */
export const SignUpForm = form(signUpFields);

/**
 * A page of the easy-read sign-up: the answers so far (the sign-up form's own
 * fields), the page they come from, and where to go instead of onward.
 */
export const EasySignUpForm = form({
  ...signUpFields,
  /** The page posted: name, contact, help or check. */
  at: text(),
  /** Back or Change: the page to show, with no checks. */
  go: text(),
  /** check when an answer is being changed from the check page: Continue goes back there. */
  then: text(),
});

/** The page after signing up: how they will hear back, and whether to confirm an email. */
export const SignUpDoneQuery = form({ by: text(), confirm: text() });

/** A link to confirm an email address for news. */
export const ConfirmParams = params('token');

/** The confirm page after confirming: done=1. */
export const ConfirmQuery = form({ done: text() });

/** A page's banner after a change, one flag a query field (paid=3, claim=approved …). */
export const BannerQuery = form({});

/** A rewards page for a year (a financial or tax year, such as 2025). */
export const YearQuery = form({ year: text() });

/** Marking rewards paid: the rewards chosen, by id, and the day (a GOV.UK date input). */
export const PaidForm = form({
  rewards: list(),
  'paidOn-day': text(),
  'paidOn-month': text(),
  'paidOn-year': text(),
});

/** A financial year's reward budget, in pounds. */
export const BudgetForm = form({ year: text(), amount: text() });

/** The reward policy: each amount in pounds, one field for each of POLICY_FIELDS. */
export const PolicyForm = form({});

/** The finance export's period: from and to, as YYYY-MM-DD or two GOV.UK date inputs. */
export const ExportQuery = form({
  from: text(),
  to: text(),
  'from-day': text(),
  'from-month': text(),
  'from-year': text(),
  'to-day': text(),
  'to-month': text(),
  'to-year': text(),
});

/** A person's reward choices: choice-<reward id> = a code from the choices. */
export const ChoicesForm = form({});

/** A step on an expense claim: the reason for rejecting it, or the day it was paid (paidOn-<id>-day …). */
export const ClaimStepForm = form({ reason: text() });

/** An expense claim (multipart, for the receipt). */
export const ClaimForm = form({
  /** A code from the expense kinds. */
  kind: text(),
  /** In pounds, such as 12.50. */
  amount: text(),
  description: text(),
  /** The activity it was for, an id. */
  activityId: text(),
  /** The day it was spent (a GOV.UK date input). */
  'incurredOn-day': text(),
  'incurredOn-month': text(),
  'incurredOn-year': text(),
  /** A photo or PDF of the receipt. */
  receipt: file(),
});
