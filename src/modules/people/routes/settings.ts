import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { AppError } from '../../../platform/http/errors.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { formErrors, type FormErrors } from '../../../platform/views/forms.ts';
import {
  readModuleSettings,
  updateModuleSettings,
} from '../../../platform/tenancy/module-settings.ts';
import { boundsOf, registerSettings } from '../settings.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import {
  NewOptionForm,
  OptionForm,
  OptionParams,
  RegisterSettingsForm,
  RegisterSettingsQuery,
} from '../schemas.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { OPTION_LISTS, isOptionList, type OptionList } from '../lists.ts';
import { codeFromLabel, loadOptions, saveOption, type Option, type Options } from '../options.ts';

/** The longest name an entry in a list may have. */
export const LABEL_MAX = 80;

/** What the thresholds form holds, as typed. */
interface SettingsForm {
  suppressionStaff: string;
  suppressionPublished: string;
  retentionYears: string;
}

/** A whole number in a range, or the key of what is wrong with it. */
function wholeNumber(
  value: string,
  { min, max }: { min: number; max: number },
  keys: { missing: string; whole: string; range: string },
): { value: number | null; problem: string | null } {
  if (!value) return { value: null, problem: keys.missing };
  if (!/^\d+$/.test(value)) return { value: null, problem: keys.whole };
  const n = Number(value);
  if (n < min || n > max) return { value: null, problem: keys.range };
  return { value: n, problem: null };
}

/** Checks the thresholds and retention period: each in range, published no lower than staff. */
export function checkSettings(form: SettingsForm) {
  const e = 'registerSettings.errors.';
  const staff = wholeNumber(form.suppressionStaff, boundsOf('suppressionStaff'), {
    missing: `${e}staffMissing`,
    whole: `${e}staffWhole`,
    range: `${e}staffRange`,
  });
  const published = wholeNumber(form.suppressionPublished, boundsOf('suppressionPublished'), {
    missing: `${e}publishedMissing`,
    whole: `${e}publishedWhole`,
    range: `${e}publishedRange`,
  });
  const retention = wholeNumber(form.retentionYears, boundsOf('retentionYears'), {
    missing: `${e}retentionMissing`,
    whole: `${e}retentionWhole`,
    range: `${e}retentionRange`,
  });
  const belowStaff =
    staff.value !== null && published.value !== null && published.value < staff.value;
  return {
    problems: {
      suppressionStaff: staff.problem,
      suppressionPublished: published.problem ?? (belowStaff ? `${e}publishedBelowStaff` : null),
      retentionYears: retention.problem,
    },
    values: {
      suppressionStaff: staff.value,
      suppressionPublished: published.value,
      retentionYears: retention.value,
    },
  };
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** What is wrong with a new entry's name, or null; the code is made from the name. */
export function newEntryProblem(entries: Option[], label: string): string | null {
  const e = 'registerSettings.errors.';
  if (!label) return `${e}labelMissing`;
  if (label.length > LABEL_MAX) return `${e}labelLong`;
  const code = codeFromLabel(label);
  if (!code) return `${e}labelNoCode`;
  if (entries.some((o) => o.code === code || sameName(o.label, label))) return `${e}labelDuplicate`;
  return null;
}

/** What is wrong with a new name for an existing entry, or null. */
export function renameProblem(entries: Option[], code: string, label: string): string | null {
  const e = 'registerSettings.errors.';
  if (!label) return `${e}labelMissing`;
  if (label.length > LABEL_MAX) return `${e}labelLong`;
  if (entries.some((o) => o.code !== code && sameName(o.label, label))) return `${e}labelTaken`;
  return null;
}

function welshProblem(labelCy: string): string | null {
  return labelCy.length > LABEL_MAX ? 'registerSettings.errors.labelCyLong' : null;
}

function listsView(options: Options) {
  return OPTION_LISTS.map((list) => ({ list, entries: options[list] }));
}

/** The main settings page, with whatever the last form left to show. */
function showSettings(
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    options: Options;
    values: Record<string, string>;
    added?: Partial<Record<OptionList, { label: string; labelCy: string }>>;
    invalid?: FormErrors | null;
    saved?: string;
  },
) {
  return reply.page('people/views/register-settings/index.njk', {
    values: data.values,
    lists: listsView(data.options),
    added: data.added ?? {},
    saved: data.saved ?? '',
    ...(data.invalid ?? {}),
  });
}

const asStrings = (settings: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));

function findEntry(options: Options, list: string, code: string) {
  if (!isOptionList(list)) return null;
  const entry = options[list].find((o) => o.code === code);
  return entry ? { list, entry } : null;
}

/** The register's settings: configurable lists, suppression thresholds, retention. */
export const registerSettingsRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/admin/register',
    { ...guard('register:configure'), schema: { querystring: RegisterSettingsQuery } },
    async (request, reply) => {
      const { settings, options } = await request.db(async (tx) => ({
        settings: await readModuleSettings(tx, request.organisation.id, registerSettings),
        options: await loadOptions(tx),
      }));
      const { saved } = request.query;
      return showSettings(request, reply, {
        options,
        values: asStrings(settings),
        saved: typeof saved === 'string' ? saved : '',
      });
    },
  );

  app.post(
    '/admin/register',
    { ...guard('register:configure'), schema: { body: RegisterSettingsForm } },
    async (request, reply) => {
      const form: SettingsForm = {
        suppressionStaff: (request.body.suppressionStaff ?? '').trim(),
        suppressionPublished: (request.body.suppressionPublished ?? '').trim(),
        retentionYears: (request.body.retentionYears ?? '').trim(),
      };
      const checked = checkSettings(form);
      const invalid = formErrors(
        translator(request.language, request.translations),
        checked.problems,
      );
      if (invalid) {
        const options = await request.db((tx) => loadOptions(tx));
        return showSettings(request, reply.code(400), {
          options,
          values: { ...form },
          invalid,
        });
      }
      await request.db((tx) =>
        updateModuleSettings(tx, actorOf(request), request.organisation.id, registerSettings, {
          suppressionStaff: checked.values.suppressionStaff!,
          suppressionPublished: checked.values.suppressionPublished!,
          retentionYears: checked.values.retentionYears!,
        }),
      );
      return reply.redirect('/admin/register?saved=settings', 303);
    },
  );

  app.post(
    '/admin/register/options',
    { ...guard('register:configure'), schema: { body: NewOptionForm } },
    async (request, reply) => {
      const list = (request.body.list ?? '').trim();
      if (!isOptionList(list)) throw new AppError(400, 'UNKNOWN_LIST', 'errors.badRequest');
      const label = (request.body.label ?? '').trim().replace(/\s+/g, ' ');
      const labelCy = (request.body.labelCy ?? '').trim().replace(/\s+/g, ' ');
      const outcome = await request.db(async (tx) => {
        const options = await loadOptions(tx);
        const problems = {
          [`label-${list}`]: newEntryProblem(options[list], label),
          [`labelCy-${list}`]: welshProblem(labelCy),
        };
        const invalid = formErrors(translator(request.language, request.translations), problems);
        if (invalid) {
          return {
            invalid,
            options,
            settings: await readModuleSettings(tx, request.organisation.id, registerSettings),
          };
        }
        await saveOption(tx, actorOf(request), {
          list,
          code: codeFromLabel(label),
          label,
          labelCy: labelCy || null,
        });
        return null;
      });
      if (outcome) {
        return showSettings(request, reply.code(400), {
          options: outcome.options,
          values: asStrings(outcome.settings),
          added: { [list]: { label, labelCy } },
          invalid: outcome.invalid,
        });
      }
      return reply.redirect(`/admin/register?saved=added#list-${list}`, 303);
    },
  );

  app.get(
    '/admin/register/options/:list/:code',
    { ...guard('register:configure'), schema: { params: OptionParams } },
    async (request, reply) => {
      const list = request.params.list ?? '';
      const code = request.params.code ?? '';
      const options = await request.db((tx) => loadOptions(tx));
      const found = findEntry(options, list, code);
      if (!found) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      return reply.page('people/views/register-settings/edit.njk', {
        list: found.list,
        entry: found.entry,
        values: {
          label: found.entry.label,
          labelCy: found.entry.labelCy ?? '',
          status: found.entry.retired ? 'retired' : 'in_use',
        },
      });
    },
  );

  app.post(
    '/admin/register/options/:list/:code',
    { ...guard('register:configure'), schema: { params: OptionParams, body: OptionForm } },
    async (request, reply) => {
      const list = request.params.list ?? '';
      const code = request.params.code ?? '';
      const action = (request.body.action ?? '').trim();
      const outcome = await request.db(async (tx) => {
        const options = await loadOptions(tx);
        const found = findEntry(options, list, code);
        if (!found) return { kind: 'missing' as const };
        const { entry } = found;
        // Retire and restore buttons in the list change only whether it is in use.
        if (action === 'retire' || action === 'restore') {
          await saveOption(tx, actorOf(request), {
            list: found.list,
            code,
            label: entry.label,
            labelCy: entry.labelCy,
            retired: action === 'retire',
          });
          return { kind: 'saved' as const, list: found.list };
        }
        const values = {
          label: (request.body.label ?? '').trim().replace(/\s+/g, ' '),
          labelCy: (request.body.labelCy ?? '').trim().replace(/\s+/g, ' '),
          status: (request.body.status ?? '').trim() === 'retired' ? 'retired' : 'in_use',
        };
        const invalid = formErrors(translator(request.language, request.translations), {
          label: renameProblem(options[found.list], code, values.label),
          labelCy: welshProblem(values.labelCy),
        });
        if (invalid) return { kind: 'invalid' as const, list: found.list, entry, values, invalid };
        await saveOption(tx, actorOf(request), {
          list: found.list,
          code,
          label: values.label,
          labelCy: values.labelCy || null,
          retired: values.status === 'retired',
        });
        return { kind: 'saved' as const, list: found.list };
      });
      if (outcome.kind === 'missing') throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      if (outcome.kind === 'invalid') {
        return reply.code(400).page('people/views/register-settings/edit.njk', {
          list: outcome.list,
          entry: outcome.entry,
          values: outcome.values,
          ...outcome.invalid,
        });
      }
      return reply.redirect(`/admin/register?saved=changed#list-${outcome.list}`, 303);
    },
  );
};
