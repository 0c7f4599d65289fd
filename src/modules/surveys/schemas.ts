/**
 * The shapes of the surveys module's requests. Lenient by design (see
 * platform/forms/schema.ts): the services check meaning and say what to fix.
 * Answer pages take fields named by the questions' codes (q_<code>), which
 * `form` keeps as they came.
 */
import { form, list, text } from '../../platform/forms/schema.ts';

/** Creating a survey or a poll. */
export const NewSurveyForm = form({
  title: text(),
  titleCy: text(),
  /** survey or poll */
  kind: text(),
  /** A template's name, or empty for a blank survey. */
  template: text(),
  /** yes: never link responses to a person. */
  anonymous: text(),
  /** A poll's question and its choices, one a line. */
  pollQuestion: text(),
  pollOptions: text(),
});

/** The survey's own details. */
export const DetailsForm = form({
  title: text(),
  titleCy: text(),
  intro: text(),
  introCy: text(),
  anonymous: text(),
  /** An operations event name, or empty. */
  triggerEvent: text(),
  reminderDays: text(),
  wave: text(),
});

export const SectionForm = form({ title: text(), titleCy: text() });

/** The question form. */
export const QuestionForm = form({
  section: text(),
  code: text(),
  type: text(),
  text: text(),
  textCy: text(),
  hint: text(),
  hintCy: text(),
  easy: text(),
  easyCy: text(),
  picture: text(),
  /** single and multiple: one choice a line. */
  options: text(),
  required: text(),
  dontKnow: text(),
  notApplicable: text(),
  equality: text(),
  /** Answers of an earlier question that show this one, as code=answer. */
  condition: list(),
});

export const NewQuestionQuery = form({ section: text() });
export const MoveForm = form({ direction: text() });
export const ShowQuery = form({ saved: text(), kiosk: text() });
export const OpenForm = form({ open: text() });
export const WaveForm = form({ wave: text() });
export const KioskForm = form({ label: text(), serviceId: text() });
export const InviteForm = form({ who: text(), serviceId: text(), references: text() });
export const EntryForm = form({
  method: text(),
  serviceId: text(),
  'collectedOn-day': text(),
  'collectedOn-month': text(),
  'collectedOn-year': text(),
});
export const CommentForm = form({ questionCode: text(), body: text() });
export const CoauthorForm = form({ email: text(), right: text() });
export const AnalysisQuery = form({ cut: text() });
/** A page of a question's free-text answers, and recoding one of them. */
export const TextAnswersQuery = form({ page: text(), saved: text() });
export const RecodeForm = form({
  responseId: text(),
  themes: list(),
  sentiment: text(),
  page: text(),
});
export const FinishForm = form({ mayQuote: text(), hearBack: text(), website: text() });
export const StartForm = form({ website: text() });
export const VoteForm = form({ choice: text() });
export const AnswerForm = form({});
