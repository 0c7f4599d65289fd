import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { i18n, loadCatalogue, translator } from './index.ts';
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
});
