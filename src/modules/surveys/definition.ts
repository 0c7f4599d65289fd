/**
 * What a survey is made of: sections of questions, each with a stable code.
 * The definition is plain JSON (a draft on the survey, frozen in each
 * published version), so responses always read the wording they answered.
 */

/** Text in English, and in Welsh where someone has written trusted Welsh. */
export interface Words {
  en: string;
  cy?: string;
}

export const QUESTION_TYPES = [
  'single',
  'multiple',
  'satisfaction',
  'agreement',
  'scale10',
  'text',
  'yesno',
  'number',
  'date',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** The pictures easy read can put beside a question (drawn in pictures.ts). */
export const PICTURES = ['home', 'repair', 'talk', 'complaint', 'people', 'safe', 'star'] as const;
export type Picture = (typeof PICTURES)[number];

export interface Option {
  code: string;
  text: Words;
}

/** Show the question only when an earlier question's answer is one of `anyOf`. */
export interface Condition {
  question: string;
  anyOf: string[];
}

export interface Question {
  /** Stable across versions: analysis, exports, events and the TSM use it. */
  code: string;
  type: QuestionType;
  text: Words;
  hint?: Words;
  /** The question in plain words for easy read; the text is used when missing. */
  easy?: Words;
  picture?: Picture;
  /** Choices of single and multiple questions; the scales have their own. */
  options?: Option[];
  required: boolean;
  condition?: Condition;
  /** Scales: offer "don't know" and/or "not applicable" after the five answers. */
  dontKnow?: boolean;
  notApplicable?: boolean;
  /** An equality monitoring question: its cuts are for staff allowed to see equality figures. */
  equality?: boolean;
}

export interface Section {
  id: string;
  title: Words;
  questions: Question[];
}

export interface SurveyDefinition {
  intro: Words;
  sections: Section[];
}

/** The five answers of the satisfaction scale, best first, with the import's codes. */
export const SATISFACTION = [
  'very_satisfied',
  'fairly_satisfied',
  'neither',
  'fairly_dissatisfied',
  'very_dissatisfied',
] as const;
/** The five answers of the agreement scale (TP08's), best first. */
export const AGREEMENT = [
  'strongly_agree',
  'agree',
  'neither',
  'disagree',
  'strongly_disagree',
] as const;
export const DONT_KNOW = 'dont_know';
export const NOT_APPLICABLE = 'not_applicable';

/** The answers that count as satisfied (or agreeing): the numerator of a satisfaction figure. */
export const POSITIVE = new Set(['very_satisfied', 'fairly_satisfied', 'strongly_agree', 'agree']);

/** Whether a question type is answered with choices that can be counted. */
export const isChoiceType = (type: QuestionType) =>
  type === 'single' ||
  type === 'multiple' ||
  type === 'satisfaction' ||
  type === 'agreement' ||
  type === 'yesno';

export const isScale = (type: QuestionType) => type === 'satisfaction' || type === 'agreement';

/**
 * The choices a question offers, in order, with i18n keys for the scales'
 * fixed wording and the question's own words for single and multiple.
 */
export function optionsOf(question: Question): Array<{ code: string; text?: Words; key?: string }> {
  switch (question.type) {
    case 'satisfaction':
    case 'agreement': {
      const five = question.type === 'satisfaction' ? SATISFACTION : AGREEMENT;
      const scale = question.type;
      const codes: string[] = [...five];
      if (question.dontKnow) codes.push(DONT_KNOW);
      if (question.notApplicable) codes.push(NOT_APPLICABLE);
      return codes.map((code) => ({ code, key: `surveys.scales.${scale}.${code}` }));
    }
    case 'yesno':
      return [
        { code: 'yes', key: 'surveys.scales.yesno.yes' },
        { code: 'no', key: 'surveys.scales.yesno.no' },
      ];
    case 'scale10':
      return [...Array(11).keys()].map((n) => ({ code: String(n), text: { en: String(n) } }));
    case 'single':
    case 'multiple':
      return (question.options ?? []).map((o) => ({ code: o.code, text: o.text }));
    default:
      return [];
  }
}

/** Every question, in order, with the index of its section. */
export function allQuestions(definition: SurveyDefinition): Array<Question & { section: number }> {
  return definition.sections.flatMap((s, section) => s.questions.map((q) => ({ ...q, section })));
}

export function findQuestion(definition: SurveyDefinition, code: string): Question | undefined {
  for (const s of definition.sections) for (const q of s.questions) if (q.code === code) return q;
  return undefined;
}

/** An answer as kept: a choice or text, several choices, or a number. */
export type AnswerValue = string | string[] | number | null;
export type Answers = Record<string, AnswerValue>;

/** Whether a question is shown, given the answers so far. */
export function isShown(question: Question, answers: Answers): boolean {
  const c = question.condition;
  if (!c) return true;
  const given = answers[c.question];
  if (given === undefined || given === null) return false;
  const values = Array.isArray(given) ? given : [String(given)];
  return values.some((v) => c.anyOf.includes(v));
}

export const CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** What is wrong with a definition, as i18n keys with the question they concern. */
export interface DefinitionProblem {
  key: string;
  code?: string;
}

/**
 * Checks a definition before it is published: codes unique and well formed,
 * choices present, and every condition pointing at a question in an earlier
 * section (so it can be answered before the page that depends on it, without
 * JavaScript) and at answers that question offers.
 */
export function checkDefinition(definition: SurveyDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const seen = new Map<string, { section: number; question: Question }>();
  const questions = allQuestions(definition);
  if (questions.length === 0) problems.push({ key: 'surveys.problems.noQuestions' });
  for (const q of questions) {
    if (!CODE_PATTERN.test(q.code))
      problems.push({ key: 'surveys.problems.badCode', code: q.code });
    if (seen.has(q.code)) problems.push({ key: 'surveys.problems.duplicateCode', code: q.code });
    if (!q.text.en.trim()) problems.push({ key: 'surveys.problems.noText', code: q.code });
    if ((q.type === 'single' || q.type === 'multiple') && (q.options ?? []).length < 2)
      problems.push({ key: 'surveys.problems.fewOptions', code: q.code });
    if (q.condition) {
      const target = seen.get(q.condition.question);
      if (!target) problems.push({ key: 'surveys.problems.conditionOrder', code: q.code });
      else if (target.section >= q.section)
        problems.push({ key: 'surveys.problems.conditionSection', code: q.code });
      else {
        const offered = new Set(optionsOf(target.question).map((o) => o.code));
        if (q.condition.anyOf.length === 0 || q.condition.anyOf.some((v) => !offered.has(v)))
          problems.push({ key: 'surveys.problems.conditionAnswers', code: q.code });
      }
    }
    seen.set(q.code, { section: q.section, question: q });
  }
  return problems;
}

/** Words in the reader's language: Welsh only where it was written, else English marked as such. */
export function wordsIn(
  words: Words | undefined,
  language: string,
): { text: string; lang: string | null } {
  if (!words) return { text: '', lang: null };
  if (language === 'cy' && words.cy && words.cy.trim()) return { text: words.cy, lang: null };
  return { text: words.en, lang: language === 'en' ? null : 'en' };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Words as HTML for a GOV.UK macro's `html`: escaped, in a lang="en" span when not in Welsh. */
export function wordsHtml(words: Words | undefined, language: string): string {
  const { text, lang } = wordsIn(words, language);
  return lang ? `<span lang="${lang}">${escapeHtml(text)}</span>` : escapeHtml(text);
}

export { escapeHtml };
