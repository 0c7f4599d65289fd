import { translator } from '../../platform/i18n/index.ts';
import { formatDate } from '../../platform/views/index.ts';
import type { SampleEntry } from './measures.ts';
import type { Approach, CollectionFacts } from './service.ts';

/**
 * Drafts the "summary of approach" a landlord publishes with its TP results,
 * item by item as uk-standards.md §1.4 lists them [C]: achieved sample size,
 * timing, collection methods, sample method, representativeness (naming the
 * characteristics), weighting (naming every characteristic), the role of any
 * external contractor, households excluded from the sample frame and why,
 * reasons for missing the required sample size, incentives, and any other
 * methodological issue (from 2025/26 those affecting year-on-year
 * comparison [V]). What the data knows is filled in; what only staff know
 * comes from the form, or is left as a bracketed prompt to replace.
 *
 * The summary is the landlord's published text, drafted in English (no
 * trusted Welsh wording yet); staff edit it before saving.
 */
export function draftSummary(input: {
  year: number;
  facts: CollectionFacts;
  sample: SampleEntry[];
  approach: Omit<Approach, 'body' | 'saved' | 'updatedBy'>;
}): string {
  const tr = translator('en');
  const raw = { interpolation: { escapeValue: false } };
  const t = (key: string, vars: Record<string, unknown> = {}) =>
    tr.text(`tsm.draft.${key}`, { ...raw, ...vars });
  const n = (value: number) => value.toLocaleString('en-GB');
  const day = (iso: string | null) => (iso ? formatDate(iso, 'en', false) : '');
  const { year, facts, sample, approach } = input;
  const or = (value: string, prompt: string) => value.trim() || t(prompt);

  const lines: string[] = [t('title', { year, next: String(year + 1).slice(2) })];
  const item = (label: string, body: string) => lines.push(`${t(`labels.${label}`)}: ${body}`);

  item(
    'size',
    facts.total === 0
      ? t('sizeNone')
      : t('size', {
          total: n(facts.total),
          lcra: n(facts.byTenure.LCRA),
          lcho: n(facts.byTenure.LCHO),
        }),
  );
  item(
    'timing',
    facts.firstOn
      ? t('timing', { from: day(facts.firstOn), to: day(facts.lastOn) })
      : t('timingNone'),
  );
  item(
    'methods',
    facts.methods.length
      ? facts.methods
          .map((m) =>
            t('method', { method: tr.text(`tsm.methods.${m.method}`), count: n(m.count) }),
          )
          .join('; ') + '.'
      : t('methodsNone'),
  );
  item('sampleMethod', or(approach.sampleMethod, 'prompts.sampleMethod'));
  item('representativeness', or(approach.representativeness, 'prompts.representativeness'));
  item(
    'weighting',
    !facts.weighted
      ? t('notWeighted')
      : approach.weightingCharacteristics.trim()
        ? t('weighted', { characteristics: approach.weightingCharacteristics.trim() })
        : t('weightedPrompt'),
  );
  item('contractor', or(approach.contractor, 'prompts.contractor'));
  item(
    'exclusions',
    approach.excludedHouseholds === null
      ? t('prompts.exclusions')
      : approach.excludedHouseholds === 0
        ? t('noExclusions')
        : t('exclusions', {
            count: approach.excludedHouseholds,
            number: n(approach.excludedHouseholds),
            reason: or(approach.exclusionReason, 'prompts.exclusionReason'),
          }),
  );
  const checks = sample
    .filter((s) => s.homes !== null)
    .map((s) =>
      t(s.met ? 'sampleMet' : 'sampleShort', {
        tenure: s.tenure,
        achieved: n(s.achieved),
        homes: n(s.homes ?? 0),
        achievedMargin: s.achieved_margin ?? '–',
        margin: s.margin,
        required: n(s.required ?? 0),
      }),
    );
  const short = sample.some((s) => s.met === false);
  item(
    'sampleCheck',
    [
      ...(checks.length ? checks : [t('sampleNoHomes')]),
      ...(short ? [or(approach.shortfallReason, 'prompts.shortfall')] : []),
    ].join(' '),
  );
  item('incentives', or(approach.incentives, 'prompts.incentives'));
  item('other', or(approach.otherIssues, 'prompts.other'));
  return lines.join('\n\n');
}
