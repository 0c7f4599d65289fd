import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { audit } from '../../../platform/audit/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { UUID, idParam, notFound } from '../../../platform/http/params.ts';
import { acceptUploads, fileTypeOf } from '../../../platform/http/uploads.ts';
import { forPage, translator, type Language } from '../../../platform/i18n/index.ts';
import { csvStream } from '../../../platform/spreadsheets/index.ts';
import { updateModuleSettings } from '../../../platform/tenancy/module-settings.ts';
import { POLICY_MAX_PENCE, participationSettings } from '../settings.ts';
import { dateInputValues, isRealDate, readDateInput } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import {
  BannerQuery,
  BudgetForm,
  ChoicesForm,
  ClaimForm,
  ClaimStepForm,
  ExportQuery,
  PaidForm,
  PolicyForm,
  YearQuery,
} from '../schemas.ts';
import { formErrors, formList, formText } from '../../../platform/views/forms.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import {
  CHOICES,
  CLAIM_KINDS,
  DEFAULT_CHOICE,
  DUE_LIST_LIMIT,
  POLICY_SETTINGS,
  attendedActivities,
  budgetSpend,
  changeRewardChoices,
  claimById,
  claimReceipt,
  createClaim,
  decideClaim,
  dueRewards,
  exportBatch,
  financialYearOf,
  flaggedRewards,
  markRewardsPaid,
  notDueRewards,
  money,
  openClaims,
  parsePounds,
  personClaims,
  personRewards,
  personSummary,
  poundsText,
  readPolicy,
  rewardTotals,
  setBudget,
  taxYear,
  taxYearOf,
  thresholdWarnings,
  totalsByPeriod,
  type BudgetSpend,
  type ClaimKind,
  type Period,
  type RewardChoice,
  type RewardPolicy,
} from '../rewards.ts';

type Body = Record<string, unknown>;
const one = formText;

/** A plausible year for budgets and statements. */
const yearFrom = (value: unknown): number | null => {
  const text = one(value);
  if (!/^\d{4}$/.test(text)) return null;
  const year = Number(text);
  return year >= 2000 && year <= 2100 ? year : null;
};

/** An ISO date from a GOV.UK date input (prefix-day, -month, -year); null when blank. */
function dateFrom(
  body: Body,
  prefix: string,
  values: Record<string, string>,
): { iso: string | null; invalid: boolean } {
  const date = readDateInput(body, prefix);
  Object.assign(values, date.values);
  return { iso: date.iso, invalid: date.problem !== null };
}

/** The date when it is a real YYYY-MM-DD date, else null. */
const isoDate = (value: string): string | null => (isRealDate(value) ? value : null);

/** The three boxes of a date input, filled from an ISO date. */
const dateValues = (prefix: string, iso: string) => dateInputValues(prefix, iso);

// One formatter per language, made once: making one costs about a millisecond.
const monthFormats = {
  en: new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  cy: new Intl.DateTimeFormat('cy-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
};
const monthName = (iso: string, language: Language) =>
  monthFormats[language === 'cy' ? 'cy' : 'en'].format(new Date(`${iso}T12:00:00Z`));

// ---------------------------------------------------------------------------
// Receipts

/** The largest receipt we take: the route's own limit (the rest of the app takes 64 KB). */
export const RECEIPT_MAX_BYTES = 5 * 1024 * 1024;
const RECEIPT_EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

/** A file name safe to keep and show: no path, no control characters, not too long. */
const safeFileName = (name: string) =>
  (name.split(/[\\/]/).pop() ?? '').replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 120);

// ---------------------------------------------------------------------------
// The overview

interface OverviewExtras {
  budgetValues?: Record<string, string>;
  budgetProblems?: Record<string, string>;
  paidValues?: Record<string, string>;
  paidSelected?: string[];
  paidProblems?: Record<string, string>;
  exportValues?: Record<string, string>;
  exportProblems?: Record<string, string>;
  year?: number;
  /** The page's query, for the banner after a change (paid=, budget=, policy= …). */
  query?: Record<string, unknown>;
}

/** The SVG bars of spend by quarter, the total and the budget, to scale. */
function budgetChart(budget: BudgetSpend, tr: ReturnType<typeof translator>) {
  const labelWidth = 150;
  const barArea = 300;
  const row = 34;
  const barHeight = 22;
  const max = Math.max(1, budget.budgetPence ?? 0, budget.totalPence);
  const lines = [
    ...budget.quarters.map((q) => ({
      label: tr.text('budget.quarter', { quarter: q.quarter }),
      pence: q.totalPence,
      kind: 'spend',
    })),
    { label: tr.text('budget.total'), pence: budget.totalPence, kind: 'total' },
    ...(budget.budgetPence === null
      ? []
      : [{ label: tr.text('budget.budget'), pence: budget.budgetPence, kind: 'budget' }]),
  ];
  return {
    width: labelWidth + barArea + 110,
    height: 12 + lines.length * row,
    labelWidth,
    bars: lines.map((line, i) => {
      const width = line.pence > 0 ? Math.max(2, Math.round((line.pence / max) * barArea)) : 0;
      return {
        ...line,
        amount: money(line.pence),
        y: 6 + i * row,
        height: barHeight,
        width,
        labelY: 6 + i * row + barHeight / 2 + 5,
        valueX: labelWidth + width + 6,
      };
    }),
    description: tr.text('budget.chartDescription', {
      quarters: budget.quarters
        .map((q) =>
          tr.text('budget.chartQuarter', { quarter: q.quarter, amount: money(q.totalPence) }),
        )
        .join('; '),
      total: money(budget.totalPence),
      budget:
        budget.budgetPence === null ? tr.text('budget.noBudgetShort') : money(budget.budgetPence),
    }),
  };
}

async function renderOverview(
  request: FastifyRequest,
  reply: FastifyReply,
  extras: OverviewExtras = {},
) {
  const today = todayInLondon();
  const year = extras.year ?? financialYearOf(today).year;
  const tr = translator(request.language, request.translations);
  const data = await request.db(async (tx) => {
    const policy = await readPolicy(tx);
    return {
      policy,
      budget: await budgetSpend(tx, year),
      due: await dueRewards(tx),
      warnings: await thresholdWarnings(tx, today, policy),
      flagged: await flaggedRewards(tx),
      claims: await openClaims(tx),
    };
  });
  const budgetErrors = formErrors(tr, extras.budgetProblems ?? {});
  const paidErrors = formErrors(tr, extras.paidProblems ?? {});
  const exportErrors = formErrors(tr, extras.exportProblems ?? {});
  const fy = financialYearOf(today);
  const query = extras.query ?? {};
  return reply.page('participation/views/rewards/overview.njk', {
    ...data,
    money,
    today,
    year,
    currentYear: fy.year,
    chart: budgetChart(data.budget, tr),
    dueLimit: DUE_LIST_LIMIT,
    budgetValues: extras.budgetValues ?? {
      year: String(year),
      amount: data.budget.budgetPence === null ? '' : poundsText(data.budget.budgetPence),
    },
    paidValues: extras.paidValues ?? dateValues('paidOn', today),
    paidSelected: extras.paidSelected ?? [],
    exportValues: extras.exportValues ?? {
      ...dateValues('from', fy.from),
      ...dateValues('to', today),
    },
    errorList: [
      ...(paidErrors?.errorList ?? []),
      ...(budgetErrors?.errorList ?? []),
      ...(exportErrors?.errorList ?? []),
    ],
    errors: {
      ...(paidErrors?.errors ?? {}),
      ...(budgetErrors?.errors ?? {}),
      ...(exportErrors?.errors ?? {}),
    },
    flash: {
      paid: /^\d{1,6}$/.test(one(query.paid)) ? Number(one(query.paid)) : null,
      budget: one(query.budget) === '1',
      policy: one(query.policy) === '1',
    },
  });
}

// ---------------------------------------------------------------------------
// One person's page

interface PersonExtras {
  problems?: Record<string, string>;
  values?: Record<string, string>;
  /** The page's query, for the banner after a change. */
  query?: Record<string, unknown>;
}

async function renderPerson(
  request: FastifyRequest,
  reply: FastifyReply,
  personId: string,
  extras: PersonExtras = {},
) {
  const today = todayInLondon();
  const tr = translator(request.language, request.translations);
  const data = await request.db(async (tx) => {
    const person = await personSummary(tx, personId);
    if (!person) return null;
    const policy = await readPolicy(tx);
    return {
      person,
      policy,
      totals: await rewardTotals(tx, personId, today, policy),
      rewards: await personRewards(tx, personId),
      claims: await personClaims(tx, personId),
    };
  });
  if (!data) throw notFound();
  const byPeriod = totalsByPeriod(data.rewards, data.claims, data.policy);
  const language = request.language;
  const label = {
    month: (p: Period) => monthName(p.from, language),
    taxYear: (p: Period) =>
      forPage(tr).text('rewards.taxYearName', { from: p.from.slice(0, 4), to: p.to.slice(0, 4) }),
  };
  const errors = formErrors(tr, extras.problems ?? {});
  const query = extras.query ?? {};
  const flashKey = ['choices', 'added', 'approved', 'rejected', 'paid', 'unchanged'].find(
    (key) => one(query[key]) !== '',
  );
  const standing = data.rewards[0]?.choice ?? DEFAULT_CHOICE;
  const ty = taxYearOf(today);
  return reply.page('participation/views/rewards/person.njk', {
    ...data,
    money,
    today,
    standing,
    anyOpen: data.rewards.some((r) => r.status !== 'paid'),
    choices: CHOICES,
    byPeriod: {
      week: byPeriod.week,
      month: byPeriod.month.map((r) => ({ ...r, label: label.month(r) })),
      taxYear: byPeriod.taxYear.map((r) => ({ ...r, label: label.taxYear(r) })),
    },
    statementYears: Array.from({ length: 6 }, (_, i) => ty.year - i),
    currentTaxYear: ty.year,
    values: { ...dateValuesForClaims(data.claims, today), ...(extras.values ?? {}) },
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
    flash: flashKey ? { key: flashKey, count: Number(one(query[flashKey])) || 0 } : null,
  });
}

/** Today in every claim's "paid on" date boxes, until someone types. */
function dateValuesForClaims(claims: Array<{ id: string }>, today: string) {
  return Object.assign({}, ...claims.map((c) => dateValues(`paidOn-${c.id}`, today))) as Record<
    string,
    string
  >;
}

// ---------------------------------------------------------------------------
// The claim form

interface ClaimValues {
  kind?: string;
  amount?: string;
  description?: string;
  activityId?: string;
  [key: string]: string | undefined;
}

async function renderClaimForm(
  request: FastifyRequest,
  reply: FastifyReply,
  personId: string,
  extras: {
    values?: ClaimValues;
    problems?: Record<string, string>;
    receiptDropped?: boolean;
  } = {},
) {
  const data = await request.db(async (tx) => {
    const person = await personSummary(tx, personId);
    return person && { person, activities: await attendedActivities(tx, personId) };
  });
  if (!data) throw notFound();
  const errors = formErrors(
    translator(request.language, request.translations),
    extras.problems ?? {},
  );
  return reply.page('participation/views/rewards/claim-form.njk', {
    ...data,
    kinds: CLAIM_KINDS,
    values: extras.values ?? {},
    receiptDropped: extras.receiptDropped ?? false,
    maxMegabytes: RECEIPT_MAX_BYTES / 1024 / 1024,
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
  });
}

// ---------------------------------------------------------------------------
// The policy form

const POLICY_FIELDS = Object.keys(POLICY_SETTINGS) as Array<keyof RewardPolicy>;

function renderPolicy(
  request: FastifyRequest,
  reply: FastifyReply,
  values: Record<string, string>,
  problems: Record<string, string> = {},
) {
  const errors = formErrors(translator(request.language, request.translations), problems);
  return reply.page('participation/views/rewards/policy.njk', {
    values,
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
  });
}

// ---------------------------------------------------------------------------

/** Rewards, expenses, the budget, statements and the finance export (issue 5 §7). */
export const rewardRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/staff/rewards',
    { ...guard('rewards:manage'), schema: { querystring: YearQuery } },
    async (request, reply) => {
      const year = yearFrom(request.query.year) ?? undefined;
      return renderOverview(request, reply, { ...(year ? { year } : {}), query: request.query });
    },
  );

  /** Marks one or many rewards due as paid, on the day given. */
  app.post(
    '/staff/rewards/paid',
    { ...guard('rewards:manage'), schema: { body: PaidForm } },
    async (request, reply) => {
      const body = request.body;
      const ids = formList(body.rewards).filter((id) => UUID.test(id));
      const values: Record<string, string> = {};
      const date = dateFrom(body, 'paidOn', values);
      const problems: Record<string, string> = {};
      if (ids.length === 0) problems.rewards = 'rewards.due.errors.none';
      if (!date.iso)
        problems['paidOn-day'] = date.invalid
          ? 'rewards.due.errors.date'
          : 'rewards.due.errors.dateMissing';
      else if (date.iso > todayInLondon()) problems['paidOn-day'] = 'rewards.due.errors.future';
      if (Object.keys(problems).length > 0)
        return renderOverview(request, reply.code(400), {
          paidValues: values,
          paidSelected: ids,
          paidProblems: problems,
        });
      // Every reward chosen must be one of this organisation's that is still due: else nothing is paid.
      const paid = await request.db(async (tx) =>
        (await notDueRewards(tx, ids)).length > 0
          ? null
          : markRewardsPaid(tx, actorOf(request), ids, date.iso!),
      );
      if (paid === null)
        return renderOverview(request, reply.code(400), {
          paidValues: values,
          paidSelected: ids,
          paidProblems: { rewards: 'rewards.due.errors.unknown' },
        });
      return reply.redirect(`/staff/rewards?paid=${paid}#due`, 303);
    },
  );

  /** Sets the reward budget for a financial year, in pounds. */
  app.post(
    '/staff/rewards/budget',
    { ...guard('rewards:manage'), schema: { body: BudgetForm } },
    async (request, reply) => {
      const body = request.body;
      const values = { year: one(body.year), amount: one(body.amount) };
      const year = yearFrom(values.year);
      const pence = parsePounds(values.amount);
      const problems: Record<string, string> = {};
      if (!year) problems['budget-year'] = 'budget.errors.year';
      if (!values.amount) problems['budget-amount'] = 'budget.errors.amountMissing';
      else if (pence === null) problems['budget-amount'] = 'budget.errors.amount';
      else if (pence > 2_000_000_000) problems['budget-amount'] = 'budget.errors.amountLarge';
      if (Object.keys(problems).length > 0)
        return renderOverview(request, reply.code(400), {
          budgetValues: values,
          budgetProblems: problems,
          ...(year ? { year } : {}),
        });
      await request.db((tx) => setBudget(tx, actorOf(request), year!, pence!));
      return reply.redirect(`/staff/rewards?year=${year}&budget=1#budget`, 303);
    },
  );

  app.get('/staff/rewards/policy', guard('rewards:manage'), async (request, reply) => {
    const policy = await request.db((tx) => readPolicy(tx));
    return renderPolicy(
      request,
      reply,
      Object.fromEntries(POLICY_FIELDS.map((f) => [f, poundsText(policy[f])])),
    );
  });

  app.post(
    '/staff/rewards/policy',
    { ...guard('rewards:manage'), schema: { body: PolicyForm } },
    async (request, reply) => {
      const body = request.body;
      const values: Record<string, string> = {};
      const problems: Record<string, string> = {};
      const change: Record<string, number> = {};
      for (const field of POLICY_FIELDS) {
        values[field] = one(body[field]);
        const pence = parsePounds(values[field]);
        if (!values[field]) problems[field] = `rewards.policy.errors.${field}.missing`;
        else if (pence === null) problems[field] = `rewards.policy.errors.${field}.format`;
        else if (pence > POLICY_MAX_PENCE) problems[field] = `rewards.policy.errors.${field}.large`;
        else change[POLICY_SETTINGS[field]] = pence;
      }
      if (!problems.perHourPence && change.rewardPerHourPence === 0)
        problems.perHourPence = 'rewards.policy.errors.perHourPence.zero';
      if (Object.keys(problems).length > 0)
        return renderPolicy(request, reply.code(400), values, problems);
      await request.db((tx) =>
        updateModuleSettings(
          tx,
          actorOf(request),
          request.organisation.id,
          participationSettings,
          change,
        ),
      );
      return reply.redirect('/staff/rewards?policy=1', 303);
    },
  );

  /** Rewards and claims in a period as CSV for finance, streamed in batches. */
  app.get(
    '/staff/rewards/export.csv',
    { ...guard('rewards:manage'), schema: { querystring: ExportQuery } },
    async (request, reply) => {
      const query = request.query;
      const today = todayInLondon();
      const values: Record<string, string> = {};
      const problems: Record<string, string> = {};
      const read = (name: 'from' | 'to') => {
        const direct = one(query[name]);
        if (direct) {
          const iso = isoDate(direct);
          if (iso) Object.assign(values, dateValues(name, iso));
          else problems[`${name}-day`] = `rewards.export.errors.${name}`;
          return iso;
        }
        const parts = dateFrom(query, name, values);
        if (parts.invalid) problems[`${name}-day`] = `rewards.export.errors.${name}`;
        return parts.iso;
      };
      const fy = financialYearOf(today);
      const from = read('from') ?? fy.from;
      const to = read('to') ?? fy.to;
      if (Object.keys(problems).length === 0 && to < from)
        problems['to-day'] = 'rewards.export.errors.order';
      if (Object.keys(problems).length > 0)
        return renderOverview(request, reply.code(400), {
          exportValues: values,
          exportProblems: problems,
        });
      const period = { from, to };
      await request.db((tx) =>
        audit(tx, actorOf(request), {
          action: 'export',
          entity: 'rewards',
          after: { format: 'csv', from, to },
        }),
      );
      const tr = translator('en');
      const header = [
        'date',
        'reference',
        'name',
        'kind',
        'activity',
        'amount',
        'choice',
        'status',
        'paidOn',
      ].map((column) => tr.text(`rewards.export.columns.${column}`));
      async function* rows() {
        let after: string | null = null;
        for (;;) {
          // Each batch its own short transaction: an export of any size streams.
          const batch = await request.db((tx) => exportBatch(tx, period, after));
          for (const r of batch)
            yield [
              r.date,
              r.reference,
              r.name,
              r.kind === 'reward'
                ? tr.text('rewards.export.reward')
                : tr.text(`expenses.kinds.${r.kind}`),
              r.activity ?? '',
              poundsText(r.amountPence),
              r.choice ? tr.text(`rewards.choices.${r.choice}`) : '',
              tr.text(`${r.kind === 'reward' ? 'rewards' : 'expenses'}.statuses.${r.status}`),
              r.paidOn ?? '',
            ];
          if (batch.length < 500) return;
          after = batch[batch.length - 1]!.sortKey;
        }
      }
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rewards-${from}-to-${to}.csv"`)
        .header('cache-control', 'no-store');
      return reply.send(csvStream(header, rows()));
    },
  );

  // -------------------------------------------------------------------------
  // One person

  app.get(
    '/staff/rewards/people/:personId',
    { ...guard('rewards:manage'), schema: { querystring: BannerQuery } },
    async (request, reply) =>
      renderPerson(request, reply, idParam(request, 'personId'), { query: request.query }),
  );

  /** The person's choice on each unpaid reward: payment, voucher or decline. */
  app.post(
    '/staff/rewards/people/:personId/choices',
    { ...guard('rewards:manage'), schema: { body: ChoicesForm } },
    async (request, reply) => {
      const personId = idParam(request, 'personId');
      const body = request.body;
      const changes = Object.entries(body)
        .filter(([key]) => key.startsWith('choice-') && UUID.test(key.slice(7)))
        .map(([key, value]) => ({ rewardId: key.slice(7), choice: one(value) }))
        .filter((c): c is { rewardId: string; choice: RewardChoice } =>
          (CHOICES as readonly string[]).includes(c.choice),
        );
      const changed = await request.db(async (tx) => {
        if (!(await personSummary(tx, personId))) return null;
        return changeRewardChoices(tx, actorOf(request), personId, changes);
      });
      if (changed === null) throw notFound();
      return reply.redirect(`/staff/rewards/people/${personId}?choices=${changed}#rewards`, 303);
    },
  );

  /**
   * The person's yearly statement for a tax year: A4, print first, printed
   * with the browser's own Print (no script). Staff print it or hand it over;
   * a customer downloads their own at /my/statement.
   */
  async function renderStatement(
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    selfService: boolean,
    asked: string | undefined,
  ) {
    const today = todayInLondon();
    const year = yearFrom(asked) ?? taxYearOf(today).year;
    const span = taxYear(year);
    const data = await request.db(async (tx) => {
      const person = await personSummary(tx, personId);
      if (!person) return null;
      return {
        person,
        rewards: (await personRewards(tx, personId, span)).reverse(),
        expenses: (await personClaims(tx, personId, { period: span, paidOnly: true })).reverse(),
      };
    });
    if (!data) throw notFound();
    const sum = (rows: Array<{ amountPence: number }>) =>
      rows.reduce((total, r) => total + r.amountPence, 0);
    return reply.page('participation/views/rewards/statement.njk', {
      ...data,
      money,
      year,
      span,
      today,
      selfService,
      statementPath: selfService ? '/my/statement' : `/staff/rewards/people/${personId}/statement`,
      totals: {
        paid: sum(data.rewards.filter((r) => r.status === 'paid')),
        due: sum(data.rewards.filter((r) => r.status === 'due')),
        declined: sum(data.rewards.filter((r) => r.status === 'declined')),
        expenses: sum(data.expenses),
      },
    });
  }

  app.get(
    '/staff/rewards/people/:personId/statement',
    { ...guard('rewards:manage'), schema: { querystring: YearQuery } },
    async (request, reply) =>
      renderStatement(request, reply, idParam(request, 'personId'), false, request.query.year),
  );

  // A customer's own statement: the person on the register their account
  // belongs to (users.person_id), never whoever has the same email, which a
  // household may share. Nothing to show for an account linked to nobody.
  app.get(
    '/my/statement',
    { ...guard('account:use'), schema: { querystring: YearQuery } },
    async (request, reply) => {
      if (!request.user!.roles.includes('customer')) throw notFound();
      const personId = request.user!.personId;
      if (!personId) throw notFound();
      return renderStatement(request, reply, personId, true, request.query.year);
    },
  );

  // -------------------------------------------------------------------------
  // Expense claims

  app.get(
    '/staff/rewards/people/:personId/claims/new',
    guard('rewards:manage'),
    async (request, reply) => {
      const personId = idParam(request, 'personId');
      return renderClaimForm(request, reply, personId, {
        values: dateValues('incurredOn', todayInLondon()),
      });
    },
  );

  // Multipart only in this context, with the receipt's own limits.
  await app.register(async (upload) => {
    await acceptUploads(upload, {
      fileSize: RECEIPT_MAX_BYTES,
      fields: 20,
      fieldSize: 10 * 1024,
    });

    withShapes(upload).post(
      '/staff/rewards/people/:personId/claims/new',
      { ...guard('rewards:manage'), schema: { body: ClaimForm } },
      async (request, reply) => {
        const personId = idParam(request, 'personId');
        const body = request.body;
        const choices = await request.db(async (tx) => {
          const person = await personSummary(tx, personId);
          return person && (await attendedActivities(tx, personId));
        });
        if (!choices) throw notFound();
        const values: ClaimValues = {
          kind: one(body.kind),
          amount: one(body.amount),
          description: one(body.description).slice(0, 2000),
          activityId: one(body.activityId),
        };
        const dateValuesKept: Record<string, string> = {};
        const date = dateFrom(body, 'incurredOn', dateValuesKept);
        Object.assign(values, dateValuesKept);
        const pence = parsePounds(values.amount ?? '');
        const file = body.receipt ?? null;
        const hasFile = Boolean(file && file.filename && file.buffer.length > 0);
        const sniffed =
          hasFile && !file!.truncated
            ? fileTypeOf(file!.buffer, Object.keys(RECEIPT_EXTENSIONS))
            : null;
        const problems: Record<string, string> = {};
        if (!(CLAIM_KINDS as readonly string[]).includes(values.kind ?? ''))
          problems.kind = 'expenses.errors.kind';
        if (!values.amount) problems.amount = 'expenses.errors.amountMissing';
        else if (pence === null) problems.amount = 'expenses.errors.amount';
        else if (pence === 0) problems.amount = 'expenses.errors.amountZero';
        else if (pence > 1_000_000) problems.amount = 'expenses.errors.amountLarge';
        if (!date.iso)
          problems['incurredOn-day'] = date.invalid
            ? 'expenses.errors.date'
            : 'expenses.errors.dateMissing';
        else if (date.iso > todayInLondon()) problems['incurredOn-day'] = 'expenses.errors.future';
        if (values.kind === 'other' && !values.description)
          problems.description = 'expenses.errors.description';
        if (values.activityId && !choices.some((a) => a.id === values.activityId))
          problems.activityId = 'expenses.errors.activity';
        if (hasFile && file!.truncated) problems.receipt = 'expenses.errors.receiptTooBig';
        else if (hasFile && !sniffed) problems.receipt = 'expenses.errors.receiptType';
        if (Object.keys(problems).length > 0)
          // Everything typed is kept; a file cannot be put back, and the page says so.
          return renderClaimForm(request, reply.code(400), personId, {
            values,
            problems,
            receiptDropped: hasFile && !problems.receipt,
          });
        const receipt = sniffed
          ? {
              content: file!.buffer,
              contentType: sniffed,
              name: safeFileName(file!.filename) || `receipt.${RECEIPT_EXTENSIONS[sniffed]}`,
            }
          : null;
        await request.db((tx) =>
          createClaim(tx, actorOf(request), personId, {
            kind: values.kind as ClaimKind,
            amountPence: pence!,
            incurredOn: date.iso!,
            description: values.description || null,
            activityId: values.activityId || null,
            receipt,
          }),
        );
        return reply.redirect(`/staff/rewards/people/${personId}?added=1#claims`, 303);
      },
    );
  });

  /** The receipt, to rewards:manage only, always as a download of its stored type. */
  app.get('/staff/rewards/claims/:id/receipt', guard('rewards:manage'), async (request, reply) => {
    const id = idParam(request);
    const receipt = await request.db(async (tx) => {
      const found = await claimReceipt(tx, id);
      if (found)
        await audit(tx, actorOf(request), {
          action: 'expense.receipt',
          entity: 'person',
          entityId: found.personId,
          after: { claimId: id, downloaded: true },
        });
      return found;
    });
    if (!receipt) throw notFound();
    const extension = RECEIPT_EXTENSIONS[receipt.contentType] ?? 'bin';
    return reply
      .header('content-type', receipt.contentType)
      .header(
        'content-disposition',
        `attachment; filename="receipt-${receipt.incurredOn}.${extension}"`,
      )
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(receipt.content);
  });

  for (const step of ['approve', 'reject', 'paid'] as const) {
    app.post(
      `/staff/rewards/claims/:id/${step}`,
      { ...guard('rewards:manage'), schema: { body: ClaimStepForm } },
      async (request, reply) => {
        const id = idParam(request);
        const body = request.body;
        const claim = await request.db((tx) => claimById(tx, id));
        if (!claim) throw notFound();
        const problems: Record<string, string> = {};
        const values: Record<string, string> = {};
        let paidOn: string | null = null;
        const reason = one(body.reason).slice(0, 1000);
        if (step === 'reject') {
          values[`reason-${id}`] = reason;
          if (!reason) problems[`reason-${id}`] = 'expenses.errors.reason';
        }
        if (step === 'paid') {
          const date = dateFrom(body, `paidOn-${id}`, values);
          paidOn = date.iso;
          if (!date.iso)
            problems[`paidOn-${id}-day`] = date.invalid
              ? 'expenses.errors.paidOn'
              : 'expenses.errors.paidOnMissing';
          else if (date.iso > todayInLondon())
            problems[`paidOn-${id}-day`] = 'expenses.errors.paidOnFuture';
        }
        if (Object.keys(problems).length > 0)
          return renderPerson(request, reply.code(400), claim.personId, { problems, values });
        const done = await request.db((tx) =>
          decideClaim(
            tx,
            actorOf(request),
            id,
            step === 'reject'
              ? { action: 'reject', reason }
              : step === 'paid'
                ? { action: 'paid', paidOn: paidOn! }
                : { action: 'approve' },
          ),
        );
        const flash = done
          ? { approve: 'approved', reject: 'rejected', paid: 'paid' }[step]
          : 'unchanged';
        return reply.redirect(
          `/staff/rewards/people/${claim.personId}?${flash}=1#claim-${id}`,
          303,
        );
      },
    );
  }
};
