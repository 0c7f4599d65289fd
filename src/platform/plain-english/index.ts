import { retext } from 'retext';
import retextEnglish from 'retext-english';
import retextSimplify from 'retext-simplify';

/**
 * The plain-English check for public text (DESIGN.md, "Rules that come from
 * the field"): reading ease, long sentences, complex words and jargon, and
 * acronyms that are not explained. Pure: text in, findings out. Findings
 * never block publishing; they show the author each problem where it occurs.
 *
 * It is in the platform so that any module can check what it publishes
 * (opportunities, decisions, "you said, we did", papers, reports) with the
 * organisation's own acronyms: pass `readSettings(...).plainEnglishAcronyms`
 * as `options.acronyms`. The findings' words are under `plainEnglish.*` in
 * this folder's locales; the acronyms are set on /admin/plain-english
 * (the settings module).
 *
 * retext-english splits the text into sentences and words (it knows that
 * "Mr." and "3 p.m." do not end a sentence) and retext-simplify supplies its
 * list of complex words with simpler ones. The Flesch reading ease score is
 * computed here rather than taken from retext-readability: that plugin only
 * votes on single sentences (seven formulas, "hard to read" or not) and gives
 * no score, while the author needs one score per field, which is what the
 * Plain English Campaign and GOV.UK guidance talk about (60 or more is plain).
 * Syllables are counted with the usual vowel-group rule; it is out by one on
 * some words, which moves a score by a point or two, not across a band.
 */

export type FindingKind = 'readingEase' | 'longSentence' | 'complexWord' | 'jargon' | 'acronym';

export interface Finding {
  /** The form field the text came from. */
  field: string;
  /** Where the finding is, as offsets into the field's text. */
  start: number;
  end: number;
  kind: FindingKind;
  /** An i18n key (plainEnglish.findings.*) and the values it takes. */
  message: { key: string; vars: Record<string, string | number> };
  /** The sentence the finding sits in, to show it in place; null for the field as a whole. */
  sentence: { start: number; end: number } | null;
}

export interface PlainEnglishResult {
  findings: Finding[];
  /** Flesch reading ease of all the text together (0 hard … 100 easy), null when too short. */
  readingEase: number | null;
}

export interface PlainEnglishOptions {
  /** Acronyms the organisation uses, with what they stand for, added to DEFAULT_ACRONYMS. */
  acronyms?: Record<string, string>;
  /**
   * Flag sentences longer than this many words instead of LONG_SENTENCE_WORDS:
   * easy read asks for shorter ones (EASY_READ_SENTENCE_WORDS).
   */
  longSentenceWords?: number;
}

/** A sentence longer than this many words is flagged. */
export const LONG_SENTENCE_WORDS = 25;
/**
 * The longest sentence easy read allows: "no more than 10–15 words" (GOV.UK,
 * accessible communication formats; the Department of Health's guidance says
 * over 15 words is harder), uk-standards.md §4. Pass it as
 * `options.longSentenceWords` when checking text written for easy read.
 */
export const EASY_READ_SENTENCE_WORDS = 15;
/** A field scoring below this on Flesch reading ease is flagged (60–70 is plain English). */
export const READING_EASE_TARGET = 60;
/** Fields shorter than this are not scored: one long word skews a short text. */
const MIN_WORDS_FOR_SCORE = 20;
/** How far from its first use an acronym's expansion may be and still explain it. */
const EXPLAIN_DISTANCE = 150;

/**
 * Acronyms in the source documents (the seeds and the reference notes), with
 * what they stand for, so that a finding can suggest the words. The
 * organisation's own list is added to these (options.acronyms).
 */
export const DEFAULT_ACRONYMS: Readonly<Record<string, string>> = {
  ASB: 'anti-social behaviour',
  BAME: 'Black, Asian and minority ethnic',
  CQC: 'Care Quality Commission',
  EbE: 'Experts by Experience',
  ETE: 'education, training and employment',
  JD: 'job description',
  KPI: 'key performance indicator',
  LD: 'learning disability',
  LGBT: 'lesbian, gay, bisexual and transgender',
  MH: 'mental health',
  NAUWU: 'Nothing About Us Without Us',
  NCAG: 'National Co-production Advisory Group',
  RSH: 'Regulator of Social Housing',
  SAR: 'subject access request',
  SCIE: 'Social Care Institute for Excellence',
  SLT: 'senior leadership team',
  SMT: 'senior management team',
  TLAP: 'Think Local Act Personal',
  TLP: 'Tenant and Landlord Panel',
  TSM: 'Tenant Satisfaction Measures',
  VCSE: 'voluntary, community and social enterprise',
};

/**
 * Acronyms people know without being told (GOV.UK style: "UK, EU, VAT and
 * MP"), and capitalised words that are not acronyms.
 */
const WELL_KNOWN = new Set([
  'UK',
  'EU',
  'NHS',
  'VAT',
  'MP',
  'GP',
  'BBC',
  'TV',
  'OK',
  'ID',
  'AM',
  'PM',
  'DVD',
  'PIN',
  'BSL',
]);

/**
 * Sector jargon retext-simplify does not know, in British spelling, with
 * plainer words. Matched as whole words, in any case.
 */
export const SECTOR_JARGON: Readonly<Record<string, string>> = {
  stakeholder: 'people involved, partners',
  stakeholders: 'people involved, partners',
  leverage: 'use',
  optimise: 'improve, make the most of',
  'co-production': 'working together as equals',
  coproduction: 'working together as equals',
  'co-produce': 'work together as equals',
  'co-design': 'design together',
  'service user': 'person who uses our services, you',
  'service users': 'people who use our services, you',
  engagement: 'taking part, getting involved',
  empower: 'give more say',
  empowerment: 'having more say',
  holistic: 'whole',
  'going forward': 'from now on',
  'touch base': 'talk',
  'best practice': 'what works well',
  'person-centred': 'built around you',
  signpost: 'tell you about, point you to',
  signposting: 'telling you about',
  'capacity building': 'training, support',
  deliverables: 'what we will do',
  synergy: 'working together',
  void: 'empty home',
  voids: 'empty homes',
  decant: 'move you for a while',
  'tenancy sustainment': 'help to keep your home',
  'key performance indicators': 'targets, measures',
  scrutiny: 'checking how we do',
  outcomes: 'results, what changes',
  cohort: 'group',
  mobilise: 'start, set up',
  upskill: 'train',
};

/**
 * retext-simplify entries that are ordinary words in our text ("your address"),
 * named as the library keys them: phrases with spaces ("there are").
 */
const SIMPLIFY_IGNORE = [
  'address',
  'aircraft',
  'benefit',
  'benefit from',
  'combat environment',
  'combined',
  'contains',
  'effect',
  'females',
  'forward',
  'function',
  'in between',
  'it is',
  'literally',
  'option',
  'remain',
  'selection',
  'there are',
  'there is',
  'type',
  'very',
  'vice',
];

// ---------------------------------------------------------------- the parse

interface NlcstNode {
  type: string;
  value?: string;
  children?: NlcstNode[];
  position?: { start: { offset?: number }; end: { offset?: number } };
}

interface Sentence {
  start: number;
  end: number;
  words: Array<{ value: string; start: number; end: number }>;
}

const processor = retext().use(retextEnglish).use(retextSimplify, { ignore: SIMPLIFY_IGNORE });

function textOf(node: NlcstNode): string {
  if (typeof node.value === 'string') return node.value;
  return (node.children ?? []).map(textOf).join('');
}

/** The sentences of a text with their words, each with its offsets. */
function sentencesOf(text: string): Sentence[] {
  const tree = processor.parse(text) as unknown as NlcstNode;
  const out: Sentence[] = [];
  const walk = (node: NlcstNode) => {
    if (node.type === 'SentenceNode') {
      const words: Sentence['words'] = [];
      const collect = (n: NlcstNode) => {
        if (n.type === 'WordNode') {
          words.push({
            value: textOf(n),
            start: n.position?.start.offset ?? 0,
            end: n.position?.end.offset ?? 0,
          });
        } else n.children?.forEach(collect);
      };
      node.children?.forEach(collect);
      out.push({
        start: node.position?.start.offset ?? 0,
        end: node.position?.end.offset ?? text.length,
        words,
      });
      return;
    }
    node.children?.forEach(walk);
  };
  walk(tree);
  return out;
}

/** Syllables in an English word, by vowel groups (see the note at the top). */
export function syllables(word: string): number {
  let w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length === 0) return 0;
  if (w.length <= 3) return 1;
  // A silent final e, es or ed ("make", "takes", "asked") adds no syllable.
  w = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, (m) => m[0]!);
  w = w.replace(/^y/, '');
  const groups = w.match(/[aeiouy]+/g);
  return Math.max(1, groups?.length ?? 0);
}

/** Flesch reading ease of counted words, sentences and syllables. */
export function fleschReadingEase(words: number, sentences: number, syllableCount: number): number {
  if (words === 0 || sentences === 0) return 100;
  return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllableCount / words);
}

function scoreOf(sentences: Sentence[]): { score: number; words: number } {
  const counted = sentences.filter((s) => s.words.length > 0);
  const words = counted.reduce((n, s) => n + s.words.length, 0);
  const syllableCount = counted.reduce(
    (n, s) => n + s.words.reduce((m, w) => m + syllables(w.value), 0),
    0,
  );
  return {
    score: Math.round(fleschReadingEase(words, counted.length, syllableCount)),
    words,
  };
}

// ---------------------------------------------------------------- acronyms

const STOPWORDS = new Set(['of', 'and', 'the', 'for', 'in', 'on', 'by', 'to', 'a', 'an', '&']);

/** Whether the words just before "(ACR)" begin with its letters, as "Tenant Satisfaction Measures (TSM)". */
function initialsMatch(acronym: string, before: string): boolean {
  const words = before
    .replace(/[^\p{L}\p{N}&\s-]/gu, ' ')
    .split(/[\s-]+/)
    .filter(Boolean);
  const letters = acronym.toLowerCase().split('');
  let i = letters.length - 1;
  let w = words.length - 1;
  let skipped = 0;
  while (i >= 0 && w >= 0) {
    const word = words[w]!.toLowerCase();
    if (word[0] === letters[i]) i--;
    else if (STOPWORDS.has(word) && skipped < 3) skipped++;
    else return false;
    w--;
  }
  return i < 0;
}

function isExplained(
  acronym: string,
  expansion: string | undefined,
  text: string,
  start: number,
  end: number,
): boolean {
  // "ACR (what it stands for)": any explanation of two words or more counts.
  const after = /^\s*\(([^()]{3,160})\)/.exec(text.slice(end));
  if (after && after[1]!.trim().split(/\s+/).length >= 2) return true;
  // "What it stands for (ACR)"
  if (/\(\s*$/.test(text.slice(0, start)) && /^\s*\)/.test(text.slice(end))) {
    const before = text.slice(Math.max(0, start - 200), start).replace(/\(\s*$/, '');
    if (initialsMatch(acronym, before)) return true;
    if (expansion && before.trim().toLowerCase().endsWith(expansion.toLowerCase())) return true;
  }
  // The expansion written nearby: "the Care Quality Commission, or CQC, …"
  if (expansion) {
    const near = text
      .slice(Math.max(0, start - EXPLAIN_DISTANCE), end + EXPLAIN_DISTANCE)
      .toLowerCase();
    if (near.includes(expansion.toLowerCase())) return true;
  }
  return false;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every acronym-like word in a text: all capitals, 2 to 6 letters, or a known mixed-case one. */
function acronymsIn(
  text: string,
  known: Record<string, string>,
): Array<{ acronym: string; start: number; end: number }> {
  const found: Array<{ acronym: string; start: number; end: number }> = [];
  const allCaps = /(?<![\p{L}\p{N}])(\p{Lu}{2,6})(?:s|['’]s)?(?![\p{L}\p{N}])/gu;
  for (const m of text.matchAll(allCaps)) {
    const acronym = m[1]!;
    found.push({ acronym, start: m.index, end: m.index + acronym.length });
  }
  const mixed = Object.keys(known).filter((k) => /\p{Ll}/u.test(k));
  if (mixed.length > 0) {
    const pattern = new RegExp(
      `(?<![\\p{L}\\p{N}])(${mixed.map(escapeRegExp).join('|')})(?:s|['’]s)?(?![\\p{L}\\p{N}])`,
      'gu',
    );
    for (const m of text.matchAll(pattern)) {
      const acronym = m[1]!;
      found.push({ acronym, start: m.index, end: m.index + acronym.length });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Whether most of a sentence is in capitals: shouting, not acronyms. */
function isShouting(sentence: Sentence): boolean {
  const long = sentence.words.filter((w) => /\p{L}{2,}/u.test(w.value));
  if (long.length < 3) return false;
  const caps = long.filter((w) => !/\p{Ll}/u.test(w.value)).length;
  return caps / long.length > 0.5;
}

// ---------------------------------------------------------------- the check

const sentenceAt = (sentences: Sentence[], offset: number) =>
  sentences.find((s) => offset >= s.start && offset < s.end) ?? null;

const rangeOf = (s: Sentence | null) => (s ? { start: s.start, end: s.end } : null);

/**
 * Checks each field's text, in order, as one document: an acronym explained
 * in an earlier field counts as explained later. Empty fields are skipped.
 */
export function checkPlainEnglish(
  fields: Array<{ field: string; text: string | null | undefined }>,
  options: PlainEnglishOptions = {},
): PlainEnglishResult {
  const known: Record<string, string> = { ...DEFAULT_ACRONYMS, ...options.acronyms };
  const sentenceLimit = options.longSentenceWords ?? LONG_SENTENCE_WORDS;
  const findings: Finding[] = [];
  const seenAcronyms = new Set<string>();
  const allSentences: Sentence[] = [];

  for (const { field, text: raw } of fields) {
    const text = raw ?? '';
    if (!text.trim()) continue;
    const sentences = sentencesOf(text);
    allSentences.push(...sentences);
    const fieldFindings: Finding[] = [];
    const add = (f: Omit<Finding, 'field'>) => fieldFindings.push({ field, ...f });

    // Reading ease of the field as a whole.
    const { score, words } = scoreOf(sentences);
    if (words >= MIN_WORDS_FOR_SCORE && score < READING_EASE_TARGET)
      add({
        start: 0,
        end: text.length,
        kind: 'readingEase',
        message: {
          key: 'plainEnglish.findings.readingEase',
          vars: { score, target: READING_EASE_TARGET },
        },
        sentence: null,
      });

    // Long sentences.
    for (const s of sentences)
      if (s.words.length > sentenceLimit)
        add({
          start: s.start,
          end: s.end,
          kind: 'longSentence',
          message: {
            key: 'plainEnglish.findings.longSentence',
            vars: { words: s.words.length, limit: sentenceLimit },
          },
          sentence: rangeOf(s),
        });

    // Complex words, from retext-simplify's list.
    const taken: Array<[number, number]> = [];
    const overlaps = (start: number, end: number) => taken.some(([a, b]) => start < b && end > a);
    for (const message of processor.processSync(text).messages) {
      const start = message.place && 'start' in message.place ? message.place.start.offset : null;
      const end = message.place && 'end' in message.place ? message.place.end.offset : null;
      if (start == null || end == null || overlaps(start, end)) continue;
      taken.push([start, end]);
      const expected = (message.expected ?? []).filter((e): e is string => typeof e === 'string');
      add({
        start,
        end,
        kind: 'complexWord',
        message:
          expected.length > 0
            ? {
                key: 'plainEnglish.findings.complexWord',
                vars: { word: text.slice(start, end), suggestions: expected.join(', ') },
              }
            : {
                key: 'plainEnglish.findings.remove',
                vars: { word: text.slice(start, end) },
              },
        sentence: rangeOf(sentenceAt(sentences, start)),
      });
    }

    // Sector jargon.
    const jargon = new RegExp(
      `(?<![\\p{L}\\p{N}-])(${Object.keys(SECTOR_JARGON)
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|')})(?![\\p{L}\\p{N}-])`,
      'giu',
    );
    for (const m of text.matchAll(jargon)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlaps(start, end)) continue;
      taken.push([start, end]);
      add({
        start,
        end,
        kind: 'jargon',
        message: {
          key: 'plainEnglish.findings.jargon',
          vars: { word: m[0], suggestions: SECTOR_JARGON[m[0].toLowerCase()] ?? '' },
        },
        sentence: rangeOf(sentenceAt(sentences, start)),
      });
    }

    // Acronyms: each is explained the first time it is used, or flagged there.
    for (const { acronym, start, end } of acronymsIn(text, known)) {
      if (WELL_KNOWN.has(acronym) || seenAcronyms.has(acronym)) continue;
      const sentence = sentenceAt(sentences, start);
      if (sentence && isShouting(sentence)) continue;
      seenAcronyms.add(acronym);
      const expansion = known[acronym];
      if (isExplained(acronym, expansion, text, start, end)) continue;
      add({
        start,
        end,
        kind: 'acronym',
        message: expansion
          ? { key: 'plainEnglish.findings.acronymKnown', vars: { acronym, expansion } }
          : { key: 'plainEnglish.findings.acronym', vars: { acronym } },
        sentence: rangeOf(sentence),
      });
    }

    fieldFindings.sort((a, b) => a.start - b.start || b.end - a.end);
    findings.push(...fieldFindings);
  }

  const overall = scoreOf(allSentences);
  return {
    findings,
    readingEase: overall.words >= MIN_WORDS_FOR_SCORE ? overall.score : null,
  };
}

/**
 * A finding in its place: the sentence around it split into the text before,
 * the part to mark, and the text after. Whole-field findings mark nothing.
 */
export function inPlace(
  text: string,
  finding: Pick<Finding, 'start' | 'end' | 'sentence'>,
): { before: string; marked: string; after: string } | null {
  if (!finding.sentence) return null;
  const from = Math.min(finding.sentence.start, finding.start);
  const to = Math.max(finding.sentence.end, finding.end);
  return {
    before: text.slice(from, finding.start),
    marked: text.slice(finding.start, finding.end),
    after: text.slice(finding.end, to),
  };
}
