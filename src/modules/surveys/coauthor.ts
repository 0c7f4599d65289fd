import { and, desc, eq, inArray } from 'drizzle-orm';
import { auditLog } from '../../platform/audit/index.ts';
import type { Queryable } from '../../platform/db/index.ts';
import {
  translator,
  type Language,
  type TranslationOverrides,
  type Translator,
} from '../../platform/i18n/index.ts';
import type { PortalSection } from '../../platform/manifest.ts';
import {
  allQuestions,
  findQuestion,
  optionsOf,
  wordsIn,
  type Question,
  type SurveyDefinition,
} from './definition.ts';
import { pictureSvg } from './pictures.ts';
import { coauthorRight, coauthoredSurveys, findSurvey, type SurveyRow } from './service.ts';
import { surveyCollaborators } from './tables.ts';

/**
 * The customer's side of co-authoring (issue 12 §1): what a co-author may
 * see and do on a draft, the draft said in plain words, the section of /my
 * listing their drafts, and the note staff read of who changed what.
 */

/** The survey and the right this account has on it, looked up within the organisation; null is a 404. */
export async function surveyForCoauthor(
  tx: Queryable,
  surveyId: string,
  userId: string,
): Promise<{ survey: SurveyRow; right: 'comment' | 'edit' } | null> {
  const right = await coauthorRight(tx, surveyId, userId);
  if (!right) return null;
  const survey = await findSurvey(tx, surveyId);
  return survey ? { survey, right } : null;
}

/** Words in the reader's language with the lang to mark them by (null: the page's own). */
export interface Said {
  text: string;
  lang: string | null;
}

export interface QuestionInWords {
  code: string;
  number: number;
  text: Said;
  hint: Said | null;
  /** How people answer, e.g. "One answer from a list". */
  how: string;
  /** The answers people choose from, where there is a list. */
  choices: Said[];
  required: boolean;
  /** "Only asked if the answer to question 2 was Yes or No", or null. */
  condition: string | null;
  /** The easy-read picture as SVG (with its words as its name), or ''. */
  pictureSvg: string;
}

export interface SectionInWords {
  id: string;
  number: number;
  title: Said;
  questions: QuestionInWords[];
}

function choiceWords(question: Question, code: string, language: Language, tr: Translator): Said {
  const option = optionsOf(question).find((o) => o.code === code);
  if (!option) return { text: code, lang: null };
  if (option.key) {
    return { text: tr.text(option.key), lang: tr.has(option.key) ? null : 'en' };
  }
  return wordsIn(option.text, language);
}

/** The draft as a reader would say it: sections and numbered questions, conditions in words. */
export function draftInWords(
  definition: SurveyDefinition,
  language: Language,
  easyRead: boolean,
  /** The organisation's own translations for the language (the request's). */
  translations?: TranslationOverrides,
): SectionInWords[] {
  const tr = translator(language, translations);
  const numbers = new Map(allQuestions(definition).map((q, i) => [q.code, i + 1]));
  return definition.sections.map((section, s) => ({
    id: section.id,
    number: s + 1,
    title: wordsIn(section.title, language),
    questions: section.questions.map((q) => {
      const main = easyRead && q.easy ? q.easy : q.text;
      let condition: string | null = null;
      if (q.condition) {
        const target = findQuestion(definition, q.condition.question);
        const answers = q.condition.anyOf
          .map((a) => (target ? choiceWords(target, a, language, tr).text : a))
          .join(tr.text('surveys.coauthor.or'));
        condition = tr.text('surveys.coauthor.onlyIf', {
          n: numbers.get(q.condition.question) ?? q.condition.question,
          answers,
        });
      }
      return {
        code: q.code,
        number: numbers.get(q.code)!,
        text: wordsIn(main, language),
        hint: q.hint ? wordsIn(q.hint, language) : null,
        how: tr.text(`surveys.types.${q.type}`),
        choices: optionsOf(q).map((o) => choiceWords(q, o.code, language, tr)),
        required: q.required,
        condition,
        // Easy read puts a picture beside each question: its own, or a speech
        // bubble (decorative: the words beside it say it all).
        pictureSvg: q.picture
          ? pictureSvg(q.picture, wordsIn(main, language).text)
          : easyRead
            ? pictureSvg('talk', '').replace('role="img" aria-label=""', 'aria-hidden="true"')
            : '',
      };
    }),
  }));
}

/** The section of /my listing the drafts this account co-authors. */
export const coauthorSection: PortalSection = async (tx, { userId }, text) => {
  const drafts = await coauthoredSurveys(tx, userId);
  if (drafts.length === 0) return null;
  return {
    title: text('surveys.coauthor.my.title'),
    rows: drafts.map((d) => ({
      text: d.title,
      href: `/my/surveys/${d.id}`,
      hint: text(
        d.right === 'edit' ? 'surveys.coauthor.my.mayEdit' : 'surveys.coauthor.my.mayComment',
      ),
    })),
  };
};

export interface CoauthorChange {
  at: Date;
  who: string;
  /** added, changed, removed */
  what: string;
  code: string;
}

const CHANGE = /^(added|changed|removed) question (\S+)$/;

/**
 * The changes co-authors made to a draft's questions, newest first, from the
 * audit trail (the builder records each change there with who made it).
 */
export async function coauthorChanges(
  tx: Queryable,
  surveyId: string,
  limit = 50,
): Promise<CoauthorChange[]> {
  const coauthors = await tx
    .select({ userId: surveyCollaborators.userId })
    .from(surveyCollaborators)
    .where(eq(surveyCollaborators.surveyId, surveyId));
  if (coauthors.length === 0) return [];
  const rows = await tx
    .select({ at: auditLog.at, who: auditLog.actorLabel, after: auditLog.after })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entity, 'survey'),
        eq(auditLog.entityId, surveyId),
        eq(auditLog.action, 'update'),
        inArray(
          auditLog.actorUserId,
          coauthors.map((c) => c.userId),
        ),
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
  return rows.flatMap((r) => {
    const change = (r.after as { change?: unknown } | null)?.change;
    const m = typeof change === 'string' ? CHANGE.exec(change) : null;
    return m ? [{ at: r.at, who: r.who, what: m[1]!, code: m[2]! }] : [];
  });
}
