import type { Question, Section, SurveyDefinition, Words } from './definition.ts';

/**
 * Ready-made surveys. `[landlord]` in the wording becomes the organisation's
 * name when a survey is made from a template.
 */
export interface SurveyTemplate {
  name: string;
  /** i18n key of its name in the list of templates. */
  labelKey: string;
  title: Words;
  anonymous: boolean;
  triggerEvent?: string;
  definition: SurveyDefinition;
}

const en = (text: string): Words => ({ en: text });

const satisfaction = (code: string, text: string, extra: Partial<Question> = {}): Question => ({
  code,
  type: 'satisfaction',
  text: en(text),
  required: false,
  ...extra,
});

const yesno = (code: string, text: string, extra: Partial<Question> = {}): Question => ({
  code,
  type: 'yesno',
  text: en(text),
  required: true,
  ...extra,
});

const freeText = (code: string, text: string, extra: Partial<Question> = {}): Question => ({
  code,
  type: 'text',
  text: en(text),
  required: false,
  picture: 'talk',
  easy: en('Is there anything else you want to tell us?'),
  ...extra,
});

const recommend = (code: string, text: string): Question => ({
  code,
  type: 'scale10',
  text: en(text),
  hint: en('0 means not at all likely and 10 means extremely likely.'),
  required: false,
});

const section = (id: string, title: string, questions: Question[]): Section => ({
  id,
  title: en(title),
  questions,
});

/**
 * The Regulator of Social Housing's tenant perception survey (TP01–TP12),
 * with the filter questions that decide who is asked TP02, TP03, TP09 and
 * TP10 (uk-standards.md §1.3). Codes and answer codes are the ones the
 * `tsm` module and the tsm-responses import use.
 *
 * Wording: TP01 and the repair filter, TP02 and TP03 are as the reference
 * quotes them [V]. The other TP wordings are the Tenant Survey Requirements'
 * as we read them [R], and so is the wording of the complaint and communal
 * area filters, which the reference marks [R].
 * "Don't know" and "not applicable": none on TP01–TP04, TP09 and TP10 (the
 * prescribed wording has none for those, §1.3); "don't know" on TP05–TP08,
 * TP11 and TP12 and "not applicable" beside it except on TP08, whose codes are
 * fixed as strongly_agree … strongly_disagree, dont_know [R]. Either is left
 * out of the denominator in the TSM calculation.
 * TP02–TP04 are for LCRA tenants only (§1.2), so the repair filter and TP04
 * are asked of LCRA tenants only.
 */
const TSM: SurveyTemplate = {
  name: 'tsm-perception',
  labelKey: 'surveys.templates.tsm-perception',
  title: en('Tenant satisfaction survey'),
  anonymous: false,
  definition: {
    intro: en(
      'This survey asks what you think of the service we give you. It takes about 5 minutes. We use the answers to report our Tenant Satisfaction Measures to the Regulator of Social Housing.',
    ),
    sections: [
      section('home', 'Your home', [
        {
          code: 'tenure',
          type: 'single',
          text: en('Do you rent your home from [landlord], or own a share of it?'),
          easy: en('Do you rent your home or own part of it?'),
          picture: 'home',
          required: true,
          options: [
            { code: 'LCRA', text: en('I rent my home') },
            { code: 'LCHO', text: en('I own a share of my home (shared ownership)') },
          ],
        },
      ]),
      section('recent', 'The last 12 months', [
        yesno(
          'repair_12m',
          'Has [landlord] carried out a repair to your home in the last 12 months?',
          {
            condition: { question: 'tenure', anyOf: ['LCRA'] },
            easy: en('Did we fix something in your home in the last 12 months?'),
            picture: 'repair',
          },
        ),
        yesno('complaint_12m', 'Have you made a complaint to [landlord] in the last 12 months?', {
          easy: en('Did you complain to us in the last 12 months?'),
          picture: 'complaint',
        }),
        yesno(
          'communal_areas',
          'Do you live in a building with communal areas, inside or outside, that [landlord] is responsible for maintaining?',
          {
            easy: en('Do you share hallways, stairs or gardens that we look after?'),
            picture: 'people',
          },
        ),
      ]),
      section('views', 'What you think of our service', [
        satisfaction(
          'TP01',
          'Taking everything into account, how satisfied or dissatisfied are you with the service provided by [landlord]?',
          { easy: en('Are you happy with what we do for you?'), picture: 'star' },
        ),
        satisfaction(
          'TP02',
          'How satisfied or dissatisfied are you with the overall repairs service from [landlord] over the last 12 months?',
          { condition: { question: 'repair_12m', anyOf: ['yes'] }, picture: 'repair' },
        ),
        satisfaction(
          'TP03',
          'How satisfied or dissatisfied are you with the time taken to complete your most recent repair after you reported it?',
          { condition: { question: 'repair_12m', anyOf: ['yes'] }, picture: 'repair' },
        ),
        satisfaction(
          'TP04',
          'How satisfied or dissatisfied are you that [landlord] provides a home that is well maintained?',
          { condition: { question: 'tenure', anyOf: ['LCRA'] }, picture: 'home' },
        ),
        satisfaction(
          'TP05',
          'Thinking about the condition of the property or building you live in, how satisfied or dissatisfied are you that [landlord] provides a home that is safe?',
          { dontKnow: true, notApplicable: true, picture: 'safe' },
        ),
        satisfaction(
          'TP06',
          'How satisfied or dissatisfied are you that [landlord] listens to your views and acts upon them?',
          { dontKnow: true, notApplicable: true, picture: 'talk' },
        ),
        satisfaction(
          'TP07',
          'How satisfied or dissatisfied are you that [landlord] keeps you informed about things that matter to you?',
          { dontKnow: true, notApplicable: true, picture: 'talk' },
        ),
        {
          code: 'TP08',
          type: 'agreement',
          text: en(
            'To what extent do you agree or disagree with the following: "[landlord] treats me fairly and with respect"?',
          ),
          easy: en('Do we treat you fairly and with respect?'),
          picture: 'people',
          required: false,
          dontKnow: true,
        },
        satisfaction(
          'TP09',
          "How satisfied or dissatisfied are you with [landlord]'s approach to complaints handling?",
          { condition: { question: 'complaint_12m', anyOf: ['yes'] }, picture: 'complaint' },
        ),
        satisfaction(
          'TP10',
          'How satisfied or dissatisfied are you that [landlord] keeps these communal areas clean and well maintained?',
          { condition: { question: 'communal_areas', anyOf: ['yes'] }, picture: 'people' },
        ),
        satisfaction(
          'TP11',
          'How satisfied or dissatisfied are you that [landlord] makes a positive contribution to your neighbourhood?',
          { dontKnow: true, notApplicable: true, picture: 'home' },
        ),
        satisfaction(
          'TP12',
          "How satisfied or dissatisfied are you with [landlord]'s approach to handling anti-social behaviour?",
          { dontKnow: true, notApplicable: true, picture: 'safe' },
        ),
      ]),
      section('more', 'Anything else', [
        freeText('comments', 'Is there anything else you would like to tell us about our service?'),
      ]),
    ],
  },
};

const ANNUAL: SurveyTemplate = {
  name: 'annual-satisfaction',
  labelKey: 'surveys.templates.annual-satisfaction',
  title: en('Annual customer satisfaction survey'),
  anonymous: false,
  definition: {
    intro: en(
      'Once a year we ask every customer what they think of our services, so that we can compare ourselves with other organisations and see what to improve.',
    ),
    sections: [
      section('overall', 'Our service', [
        satisfaction(
          'overall',
          'How satisfied or dissatisfied are you with the service we provide overall?',
          {
            picture: 'star',
            easy: en('Are you happy with what we do for you?'),
          },
        ),
        satisfaction(
          'value',
          'How satisfied or dissatisfied are you that your rent or charges give value for money?',
          {
            dontKnow: true,
          },
        ),
        satisfaction(
          'listens',
          'How satisfied or dissatisfied are you that we listen to your views and act upon them?',
          {
            dontKnow: true,
            picture: 'talk',
          },
        ),
        recommend('recommend', 'How likely are you to recommend us to family or friends?'),
      ]),
      section('involved', 'Getting involved', [
        yesno(
          'wants_involvement',
          'Would you like to hear about ways to get involved and help us improve?',
          {
            required: false,
            picture: 'people',
          },
        ),
        freeText('improve', 'What one thing should we improve?'),
      ]),
    ],
  },
};

const COMPLAINTS: SurveyTemplate = {
  name: 'complaints-satisfaction',
  labelKey: 'surveys.templates.complaints-satisfaction',
  title: en('How we handled your complaint'),
  anonymous: false,
  triggerEvent: 'operations.complaint_responded',
  definition: {
    intro: en('You recently made a complaint to us. Please tell us how we handled it.'),
    sections: [
      section('handling', 'Your complaint', [
        satisfaction(
          'complaint_handling',
          'How satisfied or dissatisfied are you with how we handled your complaint?',
          {
            picture: 'complaint',
            easy: en('Are you happy with how we dealt with your complaint?'),
          },
        ),
        satisfaction(
          'complaint_time',
          'How satisfied or dissatisfied are you with the time it took to respond?',
        ),
        {
          code: 'complaint_understood',
          type: 'agreement',
          text: en('We understood what your complaint was about.'),
          required: false,
        },
        {
          code: 'complaint_outcome',
          type: 'agreement',
          text: en('Our response explained clearly what we would do.'),
          required: false,
        },
        freeText('complaint_comments', 'What could we have done better?'),
      ]),
    ],
  },
};

const REPAIRS: SurveyTemplate = {
  name: 'repairs-satisfaction',
  labelKey: 'surveys.templates.repairs-satisfaction',
  title: en('Your recent repair'),
  anonymous: false,
  triggerEvent: 'operations.repair_completed',
  definition: {
    intro: en('We recently finished a repair in your home. Please tell us how it went.'),
    sections: [
      section('repair', 'Your repair', [
        satisfaction(
          'repair_overall',
          'How satisfied or dissatisfied are you with the repair overall?',
          {
            picture: 'repair',
            easy: en('Are you happy with the repair?'),
          },
        ),
        yesno('repair_first_time', 'Was the repair done right the first time?', {
          required: false,
        }),
        satisfaction('repair_time', 'How satisfied or dissatisfied are you with the time it took?'),
        satisfaction(
          'repair_tidy',
          'How satisfied or dissatisfied are you that the worker was polite and left your home tidy?',
        ),
        freeText(
          'repair_comments',
          'Is there anything else you would like to tell us about the repair?',
        ),
      ]),
    ],
  },
};

const RECRUITMENT: SurveyTemplate = {
  name: 'recruitment-involvement',
  labelKey: 'surveys.templates.recruitment-involvement',
  title: en('Being on an interview panel'),
  anonymous: false,
  triggerEvent: 'operations.interview_panel_held',
  definition: {
    intro: en(
      'Thank you for helping us choose a new member of staff. Please tell us what it was like.',
    ),
    sections: [
      section('panel', 'The interview panel', [
        satisfaction(
          'panel_overall',
          'How satisfied or dissatisfied are you with being involved in the recruitment?',
          {
            picture: 'people',
            easy: en('Did you like being on the interview panel?'),
          },
        ),
        {
          code: 'panel_prepared',
          type: 'agreement',
          text: en('I was given what I needed to take part (information, training, support).'),
          required: false,
        },
        {
          code: 'panel_listened',
          type: 'agreement',
          text: en('My views counted in the decision.'),
          required: false,
          picture: 'talk',
        },
        yesno('panel_again', 'Would you take part in a recruitment again?', { required: false }),
        freeText('panel_comments', 'How could we make being on a panel better?'),
      ]),
    ],
  },
};

export const TEMPLATES: readonly SurveyTemplate[] = [TSM, ANNUAL, COMPLAINTS, REPAIRS, RECRUITMENT];

export function findTemplate(name: string): SurveyTemplate | undefined {
  return TEMPLATES.find((t) => t.name === name);
}

/** A template's definition with `[landlord]` replaced by the organisation's name. */
export function instantiate(template: SurveyTemplate, organisation: string): SurveyDefinition {
  const json = JSON.stringify(template.definition).replaceAll(
    '[landlord]',
    organisation.replace(/["\\]/g, ''),
  );
  return JSON.parse(json) as SurveyDefinition;
}
