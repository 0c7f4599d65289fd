import type { FormErrors } from '../../platform/forms/index.ts';
import { translator, type Language, type TranslationOverrides } from '../../platform/i18n/index.ts';
import { escapeHtml, optionsOf, wordsHtml, wordsIn, type Question } from './definition.ts';
import { pictureSvg } from './pictures.ts';

/** How one question is drawn: which GOV.UK component, and what goes in it (already escaped HTML). */
export interface FieldView {
  code: string;
  kind: 'radios' | 'checkboxes' | 'input' | 'textarea' | 'date' | 'number';
  name: string;
  legendHtml: string;
  hintHtml: string;
  pictureSvg: string;
  inline: boolean;
  items: Array<{ value: string; html: string; checked: boolean }>;
  value: string;
  dateItems: Array<{ name: string; value: string; classes: string }>;
  error: FormErrors['errors'][string] | undefined;
}

/** The fields of one page of a survey, in the reader's language, with their answers and problems. */
export function fieldViews(
  questions: Question[],
  values: Record<string, unknown>,
  errors: FormErrors['errors'],
  language: Language,
  easyRead: boolean,
  /** The organisation's own translations for the language (the request's). */
  translations?: TranslationOverrides,
): FieldView[] {
  const tr = translator(language, translations);
  const one = (v: unknown) =>
    Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '';
  return questions.map((q) => {
    const name = `q_${q.code}`;
    const value = values[name];
    const chosen = new Set(
      Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)],
    );
    const items = optionsOf(q).map((o) => ({
      value: o.code,
      html: o.key
        ? tr.has(o.key)
          ? escapeHtml(tr.text(o.key))
          : `<span lang="en">${escapeHtml(tr.text(o.key))}</span>`
        : wordsHtml(o.text, language),
      checked: chosen.has(o.code),
    }));
    const optional = q.required
      ? ''
      : ` <span class="govuk-visually-hidden">${escapeHtml(tr.text('surveys.answer.optional'))}</span>`;
    const main = easyRead && q.easy ? q.easy : q.text;
    const hints = [
      easyRead && q.easy ? wordsHtml(q.text, language) : '',
      q.hint ? wordsHtml(q.hint, language) : '',
      q.required
        ? ''
        : tr.has('surveys.answer.optionalHint')
          ? escapeHtml(tr.text('surveys.answer.optionalHint'))
          : `<span lang="en">${escapeHtml(tr.text('surveys.answer.optionalHint'))}</span>`,
    ].filter(Boolean);
    const kind: FieldView['kind'] =
      q.type === 'multiple'
        ? 'checkboxes'
        : q.type === 'text'
          ? 'textarea'
          : q.type === 'date'
            ? 'date'
            : q.type === 'number'
              ? 'number'
              : 'radios';
    return {
      code: q.code,
      kind,
      name,
      legendHtml: wordsHtml(main, language) + optional,
      hintHtml: hints.join('<br>'),
      pictureSvg: easyRead && q.picture ? pictureSvg(q.picture, wordsIn(main, language).text) : '',
      inline: q.type === 'scale10' || q.type === 'yesno',
      items,
      value: one(value),
      dateItems: ['day', 'month', 'year'].map((part) => ({
        name: part,
        value: one(values[`${name}-${part}`]),
        classes: part === 'year' ? 'govuk-input--width-4' : 'govuk-input--width-2',
      })),
      error: errors[name],
    };
  });
}
