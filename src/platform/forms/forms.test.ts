import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { translator } from '../i18n/index.ts';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import {
  dateInputValues,
  formErrors,
  isRealDate,
  problemOnUnique,
  readDateInput,
  uniqueViolation,
} from './index.ts';
import { form, list, params, text } from './schema.ts';

describe('formErrors', () => {
  it('is null when nothing is wrong', () => {
    assert.equal(formErrors(translator('en'), []), null);
    assert.equal(formErrors(translator('en'), { title: null, summary: '' }), null);
  });

  it('links each message to its field, the first problem a field has winning', () => {
    const errors = formErrors(translator('en'), [
      { field: 'title', key: 'forms.date.required', vars: { label: 'a title' } },
      { field: 'title', key: 'forms.date.notReal' },
      {
        field: 'startsOn',
        key: 'forms.date.missing',
        vars: { Label: 'Start date', parts: 'month' },
        href: 'startsOn-month',
      },
    ]);
    assert.deepEqual(errors?.errorList, [
      { text: 'Enter a title', href: '#title' },
      { text: 'Start date must include a month', href: '#startsOn-month' },
    ]);
    assert.deepEqual(errors?.errors.title, { text: 'Enter a title', visuallyHiddenText: 'Error' });
    assert.equal(errors?.errors.startsOn?.text, 'Start date must include a month');
  });

  it('takes a map of field to key, as short forms write it', () => {
    const errors = formErrors(translator('en'), { name: 'forms.unique', other: undefined });
    assert.deepEqual(errors?.errorList, [
      { text: 'This is already in use. Enter a different one', href: '#name' },
    ]);
  });

  it('marks a message with no Welsh as English', () => {
    const errors = formErrors(translator('cy'), [{ field: 'name', key: 'forms.unique' }]);
    assert.match(errors?.errorList[0]?.html ?? '', /^<span lang="en">This is already in use/);
    assert.match(errors?.errors.name?.html ?? '', /lang="en"/);
  });

  it('leaves a translated message as text', () => {
    const errors = formErrors(translator('cy'), [{ field: 'x', key: 'forms.errorTitle' }]);
    assert.equal(errors?.errorList[0]?.html, undefined);
  });
});

describe('readDateInput', () => {
  const en = translator('en');
  const say = (body: Record<string, unknown>, options = {}) => {
    const result = readDateInput(body, 'dob', { label: 'date of birth', ...options });
    return result.problem ? en.text(result.problem.key, result.problem.vars) : result.iso;
  };

  it('reads a real date, keeping the boxes as typed', () => {
    const result = readDateInput({ 'dob-day': ' 7', 'dob-month': '3 ', 'dob-year': '1961' }, 'dob');
    assert.equal(result.iso, '1961-03-07');
    assert.deepEqual(result.values, { 'dob-day': '7', 'dob-month': '3', 'dob-year': '1961' });
  });

  it('is blank unless required', () => {
    assert.equal(say({}), null);
    assert.equal(say({}, { required: true }), 'Enter date of birth');
  });

  it('says which part is missing, and links to it', () => {
    assert.equal(say({ 'dob-day': '1', 'dob-year': '1961' }), 'Date of birth must include a month');
    assert.equal(say({ 'dob-day': '1' }), 'Date of birth must include a month and year');
    const result = readDateInput({ 'dob-day': '1', 'dob-year': '1961' }, 'dob');
    assert.equal(result.problem?.href, 'dob-month');
    assert.equal(result.problem?.field, 'dob');
  });

  it('refuses a date that does not exist', () => {
    assert.equal(
      say({ 'dob-day': '31', 'dob-month': '2', 'dob-year': '2024' }),
      'Date of birth must be a real date',
    );
    assert.equal(
      say({ 'dob-day': 'x', 'dob-month': '2', 'dob-year': '2024' }),
      'Date of birth must be a real date',
    );
    assert.equal(
      say({ 'dob-day': '1', 'dob-month': '2', 'dob-year': '24' }),
      'Date of birth must be a real date',
    );
    assert.equal(
      readDateInput({ 'dob-day': '1', 'dob-month': '13', 'dob-year': '2024' }, 'dob').problem?.href,
      'dob-month',
    );
  });

  it('checks the range', () => {
    const body = { 'dob-day': '1', 'dob-month': '1', 'dob-year': '1899' };
    assert.equal(
      say(body, { min: '1900-01-01' }),
      'Date of birth must be the same as or after 1 1 1900',
    );
    const later = { 'dob-day': '2', 'dob-month': '1', 'dob-year': '2030' };
    assert.equal(
      say(later, { max: '2026-12-02' }),
      'Date of birth must be the same as or before 2 12 2026',
    );
  });

  it("uses a module's own keys, a missing part falling back to its notReal", () => {
    const result = readDateInput({ 'dob-day': '1' }, 'dob', { keys: { notReal: 'forms.unique' } });
    assert.equal(result.problem?.key, 'forms.unique');
  });

  it('fills the boxes from a stored date', () => {
    assert.deepEqual(dateInputValues('dob', '1961-03-07'), {
      'dob-day': '7',
      'dob-month': '3',
      'dob-year': '1961',
    });
    assert.deepEqual(dateInputValues('dob', null), {
      'dob-day': '',
      'dob-month': '',
      'dob-year': '',
    });
    assert.equal(isRealDate('2024-02-29'), true);
    assert.equal(isRealDate('2023-02-29'), false);
  });
});

describe('unique-constraint violations', () => {
  // A bare PGlite is enough: the error comes from PostgreSQL through Drizzle, as in the app.
  const pglite = new PGlite();
  const db = drizzle(pglite);
  before(() =>
    pglite.exec(
      'CREATE TABLE forms_kit_probe (code text CONSTRAINT forms_kit_probe_code_key UNIQUE)',
    ),
  );
  after(() => pglite.close());

  const insert = () => db.execute(sql`INSERT INTO forms_kit_probe (code) VALUES ('A')`);

  it('finds the constraint through Drizzle on the real database', async () => {
    await insert();
    const error = await insert().then(
      () => null,
      (e: unknown) => e,
    );
    assert.equal(uniqueViolation(error), 'forms_kit_probe_code_key');
    assert.equal(uniqueViolation(new Error('other')), null);
  });

  it('turns a named constraint into a field problem and throws anything else', async () => {
    const problem = { field: 'code', key: 'forms.unique' };
    const result = await problemOnUnique(insert, { forms_kit_probe_code_key: problem });
    assert.deepEqual(result, { ok: false, problem });
    await assert.rejects(problemOnUnique(insert, { other_key: problem }));
    assert.deepEqual(await problemOnUnique(async () => 1, {}), { ok: true, value: 1 });
  });
});

describe('request shapes', () => {
  const shape = form({ title: text(), tags: list() });

  it('never fails: a missing or odd body reads as empty', () => {
    assert.deepEqual(shape.parse(undefined), { tags: [] });
    assert.deepEqual(shape.parse('nonsense'), { tags: [] });
  });

  it('takes the first of a field sent twice, every value of a list, and keeps other fields', () => {
    assert.deepEqual(shape.parse({ title: ['a', 'b'], tags: 'x', _csrf: 't' }), {
      title: 'a',
      tags: ['x'],
      _csrf: 't',
    });
    assert.deepEqual(shape.parse({ title: { nested: 1 }, tags: ['x', 2, 'y'] }), {
      title: undefined,
      tags: ['x', 'y'],
    });
  });

  it("reads route params as text, '' when missing", () => {
    assert.deepEqual(params('id', 'other').parse({ id: 'abc' }), { id: 'abc', other: '' });
  });
});
