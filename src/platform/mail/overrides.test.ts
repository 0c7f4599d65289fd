import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../db/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { makeOrganisation } from '../testing/app.ts';
import type { Organisation } from '../tenancy/index.ts';
import { translationOverrides, translatorIn } from '../i18n/overrides.ts';
import { mailWrites, queueMail, type MailMessage } from './index.ts';

// Mail reads the organisation's own translations (issue 10 §2): a Welsh
// message has the words its translators gave, as its pages do, wherever the
// message is queued from.

let testDb: TestDatabase;
let org: Organisation;
let other: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database);
  other = await makeOrganisation(testDb.database);
});
after(async () => {
  await testDb.close();
});

const OWN_SUBJECT = 'Eich dolen i fewngofnodi i {{organisation}}';

const message = (language: 'en' | 'cy'): MailMessage => ({
  to: 'rosa@example.org',
  template: 'sign-in-link',
  language,
  vars: { organisation: 'Cartrefi Demo' },
  link: 'http://demo.test/sign-in/x',
});

async function sent(organisation: Organisation, language: 'en' | 'cy') {
  return testDb.database.withOrganisation(organisation.id, async (tx) => {
    const id = await queueMail(tx, message(language));
    const [row] = rowsOf<{ subject: string; html: string }>(
      await tx.execute(sql`select subject, html_body as html from outbox where id = ${id}`),
    );
    return row!;
  });
}

describe('mail in the organisation’s own words', () => {
  before(async () => {
    await testDb.database.withOrganisation(org.id, (tx) =>
      tx.insert(translationOverrides).values({
        organisationId: org.id,
        language: 'cy',
        key: 'mail.sign-in-link.subject',
        text: OWN_SUBJECT,
        updatedBy: 'test',
      }),
    );
  });

  it('uses the organisation’s Welsh for a Welsh message, and says the message is Welsh', async () => {
    const mail = await sent(org, 'cy');
    assert.equal(mail.subject, 'Eich dolen i fewngofnodi i Cartrefi Demo');
    assert.match(mail.html, /<html lang="cy">/);
  });

  it('leaves English messages and other organisations as shipped', async () => {
    assert.equal((await sent(org, 'en')).subject, 'Your link to sign in to Cartrefi Demo');
    const elsewhere = await sent(other, 'cy');
    assert.equal(elsewhere.subject, 'Your link to sign in to Cartrefi Demo');
    assert.match(elsewhere.html, /<html lang="en">/, 'English where there is no Welsh');
  });

  it('sees a changed translation in the next message', async () => {
    await testDb.database.withOrganisation(org.id, (tx) =>
      tx
        .update(translationOverrides)
        .set({ text: 'Dolen i {{organisation}}', updatedAt: sql`now() + interval '1 second'` })
        .where(eq(translationOverrides.key, 'mail.sign-in-link.subject')),
    );
    assert.equal((await sent(org, 'cy')).subject, 'Dolen i Cartrefi Demo');
  });

  it('gives a translator in the organisation’s words for text made beside a message', async () => {
    const mine = await testDb.database.withOrganisation(org.id, (tx) => translatorIn(tx, 'cy'));
    assert.equal(
      mine.tr.text('mail.sign-in-link.subject', { organisation: 'X' }),
      'Dolen i X',
      'the organisation’s current Welsh',
    );
    assert.ok(mine.translations);
    const theirs = await testDb.database.withOrganisation(other.id, (tx) => translatorIn(tx, 'cy'));
    assert.equal(theirs.translations, undefined);
    const english = await testDb.database.withOrganisation(org.id, (tx) => translatorIn(tx, 'en'));
    assert.equal(
      english.tr.text('mail.sign-in-link.subject', { organisation: 'X' }),
      'Your link to sign in to X',
    );
  });

  it('takes the translations a caller holds when the message is built for one statement', () => {
    const overrides = {
      organisationId: org.id,
      language: 'cy' as const,
      version: 'test',
      texts: new Map([['mail.sign-in-link.subject', OWN_SUBJECT]]),
    };
    const writes = mailWrites({ ...message('cy'), translations: overrides });
    const values = JSON.stringify(writes[0]!.statement.queryChunks);
    assert.match(values, /Eich dolen i fewngofnodi i Cartrefi Demo/);
  });
});
