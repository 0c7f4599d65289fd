/**
 * The register's lists. Fixed lists are product vocabulary (their labels are
 * in the i18n catalogue under register.*); configurable lists start from the
 * defaults here and each organisation adds, renames or retires entries
 * (register_options).
 */

/** Who a person is to the organisation; a person may be several. */
export const PERSON_KINDS = [
  'customer',
  'carer',
  'family',
  'staff',
  'volunteer',
  'partner',
] as const;

/** Structured access needs (issue 4 §3), planned for wherever a person is invited. */
export const ACCESS_NEEDS = [
  'easy_read',
  'large_print',
  'bsl_interpreter',
  'language_interpreter',
  'hearing_loop',
  'step_free',
  'companion',
  'travel_support',
  'quiet_space',
  'papers_in_advance',
  'phone_reminders',
] as const;
export type AccessNeed = (typeof ACCESS_NEEDS)[number];

export const CHANNELS = ['email', 'sms', 'phone', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

export const AVAILABILITY = [
  'weekday_mornings',
  'weekday_afternoons',
  'weekday_evenings',
  'weekends',
  'online',
] as const;

/**
 * The languages the person form offers by name, as the codes stored for them
 * (ISO 639: two letters where there are, three for Cantonese and Mandarin;
 * `bfi` is British Sign Language): English and Welsh, then the languages most
 * spoken in UK communities, in alphabetical order of their English names. Any
 * other language is stored by its code too (languages.ts).
 */
export const PREFERRED_LANGUAGES = [
  'en',
  'cy',
  'ar',
  'bn',
  'bfi',
  'yue',
  'cmn',
  'fa',
  'gu',
  'ku',
  'pl',
  'pt',
  'pa',
  'ro',
  'so',
  'es',
  'ti',
  'tr',
  'ur',
] as const;

export const SUPPORTER_RELATIONSHIPS = ['carer', 'advocate', 'support_worker', 'family'] as const;

/** What a person can consent to. Contact by a channel is a consent of its own. */
export const CONSENT_PURPOSES = [
  'register',
  'contact_email',
  'contact_sms',
  'contact_phone',
  'contact_letter',
  'photos',
  'quotes',
  'equality',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const CONSENT_METHODS = ['online', 'paper', 'verbal', 'supporter'] as const;

/**
 * The version of the consent wording people agree to. When the wording in
 * en.json (register.consent.*.wording) changes, change this too, so that each
 * record says which words the person saw.
 */
export const CONSENT_WORDING_VERSION = '2026-11';

export const channelConsent = (channel: Channel): ConsentPurpose => `contact_${channel}`;

/**
 * Equality monitoring questions and their answers, each optional with
 * "prefer not to say". Ethnicity follows the 2021 census for England and
 * Wales (19 categories in 5 groups); religion, sexual orientation and gender
 * identity follow the 2021 census questions. [R] our reading of ONS's
 * published question set.
 */
export const EQUALITY_QUESTIONS = {
  sex: ['female', 'male', 'prefer_not_to_say'],
  genderIdentity: ['same_as_birth', 'different_from_birth', 'prefer_not_to_say'],
  ethnicity: [
    'asian_bangladeshi',
    'asian_chinese',
    'asian_indian',
    'asian_pakistani',
    'asian_other',
    'black_african',
    'black_caribbean',
    'black_other',
    'mixed_white_asian',
    'mixed_white_black_african',
    'mixed_white_black_caribbean',
    'mixed_other',
    'white_british',
    'white_irish',
    'white_gypsy_traveller',
    'white_roma',
    'white_other',
    'other_arab',
    'other_any',
    'prefer_not_to_say',
  ],
  disability: ['yes', 'no', 'prefer_not_to_say'],
  religion: [
    'none',
    'christian',
    'buddhist',
    'hindu',
    'jewish',
    'muslim',
    'sikh',
    'other',
    'prefer_not_to_say',
  ],
  sexualOrientation: ['straight', 'gay_lesbian', 'bisexual', 'other', 'prefer_not_to_say'],
  caring: ['yes', 'no', 'prefer_not_to_say'],
} as const;
export type EqualityQuestion = keyof typeof EQUALITY_QUESTIONS;
export const EQUALITY_FIELDS = Object.keys(EQUALITY_QUESTIONS) as EqualityQuestion[];

/** The groups the census puts ethnic categories in, for the group-level table. */
export function ethnicGroup(code: string): string {
  return code === 'prefer_not_to_say' ? code : (code.split('_')[0] ?? code);
}

/** Age bands statistics use; the date of birth itself is never counted. */
export const AGE_BANDS = [
  'under_16',
  '16_24',
  '25_34',
  '35_44',
  '45_54',
  '55_64',
  '65_74',
  '75_plus',
] as const;

/** The band for a date of birth on a given day (both YYYY-MM-DD). */
export function ageBand(dateOfBirth: string, today: string): (typeof AGE_BANDS)[number] {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const age = ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
  if (age < 16) return 'under_16';
  if (age < 25) return '16_24';
  if (age < 35) return '25_34';
  if (age < 45) return '35_44';
  if (age < 55) return '45_54';
  if (age < 65) return '55_64';
  if (age < 75) return '65_74';
  return '75_plus';
}

/** The configurable lists and the entries every organisation starts with. */
export const DEFAULT_OPTIONS = {
  service_type: [
    ['hostel', 'Hostel'],
    ['supported_housing', 'Supported housing'],
    ['unsupported', 'Unsupported housing'],
    ['other_landlord', 'Other landlord'],
    ['floating_support', 'Floating support'],
    ['care_home', 'Care home'],
    ['home_care', 'Home care'],
  ],
  specialism: [
    ['learning_disabilities', 'Learning disabilities'],
    ['mental_health', 'Mental health'],
    ['young_people', 'Young people'],
    ['homelessness', 'Homelessness'],
    ['floating_support', 'Floating support'],
  ],
  involvement_role: [
    ['panel_member', 'Tenant and Landlord Panel member'],
    ['quality_checker', 'Quality Checker'],
    ['peer_support_volunteer', 'Peer Support Volunteer'],
    ['co_chair', 'Customer co-chair'],
    ['peer_researcher', 'Peer researcher'],
    ['ebe_trainer', 'Experts by Experience trainer'],
    ['interview_panel', 'Interview panel member'],
    ['complaints_panel', 'Complaints panel representative'],
  ],
  skill: [
    ['chairing', 'Chairing meetings'],
    ['interviewing', 'Interviewing'],
    ['writing', 'Writing'],
    ['art_design', 'Art and design'],
    ['digital', 'Computers and online'],
    ['public_speaking', 'Speaking to groups'],
    ['languages', 'Other languages'],
    ['training_others', 'Training others'],
    ['listening', 'Listening and peer support'],
  ],
  interest: [
    ['repairs', 'Repairs and homes'],
    ['recruitment', 'Recruiting staff'],
    ['quality', 'Checking quality'],
    ['complaints', 'Complaints'],
    ['wellbeing', 'Health and wellbeing'],
    ['money', 'Money and benefits'],
    ['community', 'Community events'],
    ['policy', 'Policies and strategy'],
    ['digital_inclusion', 'Getting online'],
  ],
  training_module: [
    ['quality_checking', 'Quality checking'],
    ['recruitment_selection', 'Recruitment and selection'],
    ['safeguarding', 'Safeguarding'],
    ['confidentiality', 'Confidentiality and data protection'],
    ['chairing', 'Chairing skills'],
    ['peer_research', 'Peer research'],
  ],
  // Lists other modules use; they live here so that every list is edited in one place.
  initiative_kind: [
    ['panel', 'Panel or forum'],
    ['co_production', 'Co-production project'],
    ['consultation', 'Consultation'],
    ['recruitment', 'Recruitment campaign'],
    ['quality_audit', 'Quality audit programme'],
    ['event', 'Event'],
    ['other', 'Other'],
  ],
  activity_kind: [
    ['meeting', 'Meeting'],
    ['workshop', 'Workshop'],
    ['interview_panel', 'Interview panel'],
    ['audit_visit', 'Audit visit'],
    ['drop_in', 'Drop-in'],
    ['training', 'Training session'],
  ],
  partner_kind: [
    ['user_led', 'User-led organisation'],
    ['carer_led', 'Carer-led organisation'],
    ['equality_group', 'Equality group'],
    ['advocacy', 'Advocacy service'],
    ['other', 'Other'],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [string, string]>>;

export type OptionList = keyof typeof DEFAULT_OPTIONS;
export const OPTION_LISTS = Object.keys(DEFAULT_OPTIONS) as OptionList[];

export function isOptionList(value: string): value is OptionList {
  return (OPTION_LISTS as string[]).includes(value);
}
