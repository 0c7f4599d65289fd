// Messages in easy read (issue 10 §3): every module's easy-read version of a
// message is written for easy read, as the plain-English check measures it
// for content that staff write in easy read (sentences of 15 words or fewer,
// no unexplained acronyms, no jargon, easy to read as a whole), and every
// one of its strings is in the English catalogue.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MODULES } from './modules.ts';
import { translator } from './platform/i18n/index.ts';
import { EASY_READ_SENTENCE_WORDS, checkPlainEnglish } from './platform/plain-english/index.ts';

const en = translator('en');
/** Placeholders filled with a plain word, as a message fills them with a name or a title. */
const filled = new Proxy({} as Record<string, string>, { get: () => 'Riverside' });

const easyTemplates = MODULES.flatMap((m) =>
  Object.entries(m.mail ?? {}).flatMap(([name, spec]) =>
    spec.easy ? [{ module: m.name, name, easy: spec.easy }] : [],
  ),
);

describe('messages in easy read', () => {
  it('has easy-read versions to check', () => {
    const names = easyTemplates.map((t) => t.name);
    for (const name of [
      'survey-invitation',
      'survey-reminder',
      'group-papers',
      'group-term-ending-member',
      'group-election-vote',
      'opportunity-match',
      'sign-up-declined',
      'sign-up-accepted',
      'activity-invitation',
      'activity-reminder',
    ])
      assert.ok(names.includes(name), `${name} has an easy-read version`);
  });

  for (const { module, name, easy } of easyTemplates)
    it(`writes ${module}'s ${name} for easy read`, () => {
      const keys = ['subject', ...easy.paragraphs, easy.action];
      for (const key of keys)
        assert.ok(en.has(`mail.${name}.easy.${key}`), `mail.${name}.easy.${key} is in English`);
      const fields = keys.map((key) => ({
        field: key,
        text: en.text(`mail.${name}.easy.${key}`, filled),
      }));
      const { findings } = checkPlainEnglish(fields, {
        longSentenceWords: EASY_READ_SENTENCE_WORDS,
      });
      assert.deepEqual(
        findings.map((f) => ({
          key: f.field,
          kind: f.kind,
          at: fields.find((x) => x.field === f.field)!.text.slice(f.start, f.end),
        })),
        [],
      );
    });
});
