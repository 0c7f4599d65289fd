import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './index.ts';

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return templates(full);
    return entry.name.endsWith('.njk') ? [full] : [];
  });
}

describe('honeypot fields', () => {
  it('are hidden from assistive technology, out of the tab order and never autofilled', () => {
    let seen = 0;
    for (const file of templates(path.join(ROOT, 'src'))) {
      const source = readFileSync(file, 'utf8');
      // A honeypot is a text box taken out of the tab order; its box holds its label and input.
      for (const match of source.matchAll(/<input[^>]*tabindex="-1"[^>]*>/g)) {
        seen += 1;
        const before = source.slice(0, match.index);
        const container = before.slice(before.lastIndexOf('<div'));
        assert.match(container, /^<div[^>]*aria-hidden="true"/, `${file}: ${match[0]}`);
        assert.match(match[0], /autocomplete="off"/, `${file}: ${match[0]}`);
      }
    }
    assert.ok(seen >= 3, 'the sign-up, feedback and survey honeypots are found');
  });
});
