import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { bracketingEnglish, i18n, loadCatalogue, markEnglish, translator } from './index.ts';
import { ENGLISH_CLOSE, ENGLISH_OPEN } from './mark-english.ts';
import { ROOT } from '../views/index.ts';

function keysOf(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    value && typeof value === 'object'
      ? keysOf(value as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return templates(full);
    return entry.name.endsWith('.njk') ? [full] : [];
  });
}

const en = loadCatalogue('en');
const cy = loadCatalogue('cy');

describe('translations', () => {
  it('has an English string for every Welsh one', () => {
    const english = new Set(keysOf(en));
    for (const key of keysOf(cy)) assert.ok(english.has(key), `cy has ${key} but en does not`);
  });

  it('has every key the templates use', () => {
    const english = new Set(keysOf(en));
    for (const file of templates(path.join(ROOT, 'src'))) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/\b(?:t|text)\("([a-zA-Z0-9_.]+)"/g)) {
        const key = match[1]!;
        // A key built at run time ("identity.roles." + role) must at least name a group.
        const known = key.endsWith('.')
          ? [...english].some((k) => k.startsWith(key))
          : english.has(key) || english.has(`${key}_other`); // i18next plurals
        assert.ok(known, `${path.relative(ROOT, file)} uses ${key}, missing from en.json`);
      }
    }
  });

  it('marks English shown on a Welsh page, and escapes what is put into a string', () => {
    const welsh = translator('cy');
    assert.equal(String(welsh.t('layout.skipLink')), "Neidio i'r prif gynnwys");
    assert.equal(String(welsh.t('home.title')), '<span lang="en">Have your say</span>');
    assert.equal(welsh.has('home.title'), false);
    const english = translator('en');
    assert.equal(
      String(english.t('home.lead', { organisation: '<b>Evil</b>' })).includes('<b>'),
      false,
    );
    assert.equal(english.text('home.lead', { organisation: 'A & B' }).startsWith('A & B'), true);
    assert.ok(i18n().exists('errors.notFound.title'));
  });

  it('gives each set of values its own line, the same as i18next, when lines are remembered', () => {
    const english = translator('en');
    for (let round = 0; round < 2; round += 1) {
      for (const organisation of ['Oak Homes', 'Elm & Co', '<i>Ash</i>']) {
        assert.equal(
          String(english.t('home.lead', { organisation })),
          i18n().t('home.lead', { lng: 'en', organisation }),
        );
        assert.equal(
          english.text('home.lead', { organisation }),
          i18n().t('home.lead', {
            lng: 'en',
            organisation,
            interpolation: { escapeValue: false },
          }),
        );
      }
    }
  });
});

describe('marking English on a Welsh page', () => {
  const O = ENGLISH_OPEN;
  const C = ENGLISH_CLOSE;
  it('marks bracketed words in content and takes the brackets out where no mark can go', () => {
    // An option or a text area whose words are English is marked itself; a drawing's words are
    // left unmarked, since a span would end the drawing (its label is what is read).
    const html =
      `<html lang="cy"><head><title>${O}Home${C} – Org</title></head><body>` +
      `<label for="a">${O}Your name${C}</label><input id="a" aria-label="${O}Name${C}" value="x">` +
      `<select><option value="1">${O}One${C}</option><option value="2">Dau</option></select>` +
      `<textarea>${O}Note${C}</textarea><p>Croeso ${O}and <a href="/">more</a>${C}</p>` +
      `<svg role="img"><text>1 (${O}not counted${C})</text></svg></body></html>`;
    assert.equal(
      markEnglish(html),
      '<html lang="cy"><head><title>Home – Org</title></head><body>' +
        '<label for="a"><span lang="en">Your name</span></label><input id="a" aria-label="Name" value="x">' +
        '<select><option lang="en" value="1">One</option><option value="2">Dau</option></select>' +
        '<textarea lang="en">Note</textarea><p>Croeso <span lang="en">and <a href="/">more</a></span></p>' +
        '<svg role="img"><text>1 (not counted)</text></svg></body></html>',
    );
  });

  it('brackets only what has no Welsh, and nothing in English', () => {
    const cy = bracketingEnglish(translator('cy'));
    assert.equal(cy('layout.skipLink'), translator('cy').text('layout.skipLink'));
    assert.equal(cy('no.such.key.anywhere'), `${O}no.such.key.anywhere${C}`);
    assert.equal(
      bracketingEnglish(translator('en'))('no.such.key.anywhere'),
      'no.such.key.anywhere',
    );
    assert.equal(markEnglish('<p>plain</p>'), '<p>plain</p>');
  });
});
