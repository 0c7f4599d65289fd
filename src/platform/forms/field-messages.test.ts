import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadCatalogue, translator } from '../i18n/index.ts';
import { ROOT } from '../views/index.ts';
import { formErrors } from './index.ts';

/**
 * Errors name their field (issue 10 §11): "Use 100 characters or fewer" in
 * a summary of five errors does not say which box is too long.
 */

function messages(tree: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([key, value]) =>
    value && typeof value === 'object'
      ? messages(value as Record<string, unknown>, `${prefix}${key}.`)
      : [[`${prefix}${key}`, String(value)] as [string, string]],
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const en = loadCatalogue('en');
const GENERIC =
  /^(This must be|Use \d|Use [0-9,]+ characters|Shorten this|Enter a time like|Enter a date like [^f]*$|Must be \d)/;

describe('error messages name their field', () => {
  it('has no English error message that could be about any field', () => {
    const generic = messages(en).filter(
      ([key, text]) => /\.errors\./.test(key) && GENERIC.test(text),
    );
    assert.deepEqual(generic, []);
  });

  it('has a name for every field a problem labels', () => {
    const tr = translator('en');
    for (const file of sources(path.join(ROOT, 'src'))) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/label: '([a-zA-Z0-9_.]+)'/g))
        assert.ok(tr.has(match[1]!), `${file}: no English for ${match[1]}`);
      // A label built from the field's name must at least name a group of names.
      for (const match of source.matchAll(/label: `([a-zA-Z0-9_.]+)\$\{/g)) {
        const group = match[1]!.replace(/\.$/, '');
        const found = group
          .split('.')
          .reduce<unknown>(
            (node, part) => (node as Record<string, unknown> | undefined)?.[part],
            en,
          );
        assert.ok(found && typeof found === 'object', `${file}: no group ${group}`);
      }
    }
  });

  it('gives the field name to the message', () => {
    const errors = formErrors(translator('en'), [
      {
        field: 'lastName',
        key: 'register.errors.tooLong',
        label: 'register.fieldNames.lastName',
      },
      { field: 'startTime', key: 'activities.errors.startTimeInvalid' },
    ]);
    assert.equal(errors?.errors.lastName?.text, 'Last name must be 100 characters or fewer');
    assert.equal(errors?.errorList[1]?.text, 'Enter a start time like 10:30am or 14:30');
  });
});
