import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYMBOL_NAMES, symbolSvg } from './symbols.ts';
import { asEnglish } from '../i18n/mark-english.ts';

describe('easy read pictures from the shipped symbol set', () => {
  it('draws every named picture from its own OpenMoji file, not the fallback', () => {
    const fallback = symbolSvg('no-such-picture', undefined);
    const drawings = new Set<string>();
    for (const name of SYMBOL_NAMES) {
      const svg = symbolSvg(name, undefined);
      assert.notEqual(svg, fallback, `${name} fell back`);
      assert.match(svg, /<(path|circle|rect|polygon|g)\b/, `${name} has no drawing`);
      drawings.add(svg);
    }
    assert.equal(drawings.size, SYMBOL_NAMES.length, 'two names share a picture');
  });

  it('leaves no ids, so a page can show a picture twice', () => {
    for (const name of SYMBOL_NAMES) {
      assert.doesNotMatch(symbolSvg(name, 'x'), /\sid="/, name);
    }
  });

  it('names the picture for screen readers, escaped, or hides it when the words say it all', () => {
    const named = symbolSvg('home', 'Your home & "garden"');
    assert.match(named, /role="img" aria-label="Your home &#38; &#34;garden&#34;"/);
    assert.doesNotMatch(named, /aria-hidden/);
    const decorative = symbolSvg('home', undefined);
    assert.match(decorative, /aria-hidden="true"/);
    assert.doesNotMatch(decorative, /role="img"/);
  });

  it('marks the picture English when its words have no Welsh on a Welsh page', () => {
    const svg = symbolSvg('calendar', asEnglish('When it is'));
    assert.match(svg, /lang="en" role="img" aria-label="When it is"/);
    assert.doesNotMatch(svg, /[\uE000\uE001]/);
    assert.doesNotMatch(symbolSvg('calendar', 'Pryd mae e'), /lang=/);
  });
});
