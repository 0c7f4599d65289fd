import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_ACRONYMS,
  EASY_READ_SENTENCE_WORDS,
  checkPlainEnglish,
  inPlace,
  syllables,
} from './index.ts';

const check = (text: string, acronyms?: Record<string, string>) =>
  checkPlainEnglish([{ field: 'description', text }], acronyms ? { acronyms } : {}).findings;

const PLAIN =
  'Come and tell us what you think of our repairs. We meet once a month at the community centre. ' +
  'We pay for your bus fare. Tea and cake are free. You can bring a friend.';

describe('the plain-English check', () => {
  it('finds nothing in plain text, and scores it as easy to read', () => {
    const result = checkPlainEnglish([
      { field: 'title', text: 'Tell us about repairs' },
      { field: 'description', text: PLAIN },
      { field: 'empty', text: '' },
      { field: 'missing', text: null },
    ]);
    assert.deepEqual(result.findings, []);
    assert.ok(result.readingEase! >= 60, `reading ease ${result.readingEase}`);
  });

  it('flags an acronym that is not explained, where it is, suggesting what it stands for', () => {
    const text = 'Come to a meeting about the TSM survey.';
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.equal(finding!.kind, 'acronym');
    assert.equal(text.slice(finding!.start, finding!.end), 'TSM');
    assert.equal(finding!.message.key, 'plainEnglish.findings.acronymKnown');
    assert.equal(finding!.message.vars.expansion, 'Tenant Satisfaction Measures');
    assert.deepEqual(inPlace(text, finding!), {
      before: 'Come to a meeting about the ',
      marked: 'TSM',
      after: ' survey.',
    });
    const [unknown] = check('Join the XYZ group.');
    assert.equal(unknown!.message.key, 'plainEnglish.findings.acronym');
    assert.equal(unknown!.message.vars.acronym, 'XYZ');
  });

  it('does not flag an acronym explained at its first use, either way round', () => {
    assert.deepEqual(
      check('We ask about the Tenant Satisfaction Measures (TSM). The TSM matter.'),
      [],
    );
    assert.deepEqual(check('The TSM (Tenant Satisfaction Measures) are questions we ask.'), []);
    assert.deepEqual(check('The Quality Checking Group (QCG) visits homes.'), []);
    assert.deepEqual(check('Experts by Experience (EbE) run the training.'), []);
    assert.deepEqual(
      check('The Care Quality Commission, or CQC, checks our care homes.'),
      [],
      'the known expansion written nearby explains it',
    );
    // Explained in an earlier field counts for a later one.
    assert.deepEqual(
      checkPlainEnglish([
        { field: 'description', text: 'We ask about Tenant Satisfaction Measures (TSM).' },
        { field: 'whoCanApply', text: 'Anyone who filled in the TSM survey.' },
      ]).findings,
      [],
    );
  });

  it('flags only the first unexplained use, and leaves well-known ones and shouting alone', () => {
    const findings = check('The KPI matters. The KPI is high. Ask your GP. THIS IS FREE FOR ALL.');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.message.vars.acronym, 'KPI');
  });

  it("uses the organisation's own acronyms as well as the defaults", () => {
    const [finding] = check('Talk to the HRC.', { HRC: 'Homes and Residents Committee' });
    assert.equal(finding!.message.vars.expansion, 'Homes and Residents Committee');
    assert.equal(DEFAULT_ACRONYMS.CQC, 'Care Quality Commission');
  });

  it('flags a sentence longer than 25 words, marking the sentence', () => {
    const long =
      'We would like people who live in our homes and people who use our services to come ' +
      'to a meeting where we will talk about the way we fix things when they break at home.';
    const text = `Hello. ${long} Thank you.`;
    const findings = check(text).filter((f) => f.kind === 'longSentence');
    assert.equal(findings.length, 1);
    assert.equal(text.slice(findings[0]!.start, findings[0]!.end), long);
    assert.equal(findings[0]!.message.vars.words, 35);
  });

  it('flags shorter sentences when asked, as easy read does (15 words)', () => {
    const sixteen =
      'We meet once a month at the community centre on Grey Street with some other people.';
    const text = `${sixteen} You can bring a friend.`;
    assert.deepEqual(check(text), [], 'plain English at 25 words');
    const findings = checkPlainEnglish([{ field: 'easyRead', text }], {
      longSentenceWords: EASY_READ_SENTENCE_WORDS,
    }).findings;
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.kind, 'longSentence');
    assert.equal(text.slice(findings[0]!.start, findings[0]!.end), sixteen);
    assert.deepEqual(findings[0]!.message.vars, { words: 16, limit: 15 });
  });

  it('leaves ordinary phrases alone, such as "there are" and "it is"', () => {
    assert.deepEqual(
      check(
        'There are other ways to take part. It is on Monday. There is tea. We live in between.',
      ),
      [],
    );
  });

  it('flags complex words and sector jargon with plainer ones', () => {
    const text = 'We will facilitate a workshop for stakeholders.';
    const findings = check(text);
    const words = findings.map((f) => [f.kind, text.slice(f.start, f.end)]);
    assert.deepEqual(words, [
      ['complexWord', 'facilitate'],
      ['jargon', 'stakeholders'],
    ]);
    assert.match(String(findings[0]!.message.vars.suggestions), /help/);
  });

  it('flags a field that is hard to read as a whole', () => {
    const text =
      'Organisational transformation necessitates comprehensive consideration of operational ' +
      'methodologies. Residents’ perspectives regarding accommodation maintenance are particularly ' +
      'significant. Participation opportunities incorporate remuneration considerations.';
    const finding = check(text).find((f) => f.kind === 'readingEase');
    assert.ok(finding, 'a reading ease finding');
    assert.equal(finding.sentence, null);
    assert.ok(Number(finding.message.vars.score) < 60);
  });

  it('counts syllables closely enough', () => {
    assert.equal(syllables('make'), 1);
    assert.equal(syllables('table'), 2);
    assert.equal(syllables('satisfaction'), 4);
    assert.equal(syllables('opportunity'), 5);
  });
});
