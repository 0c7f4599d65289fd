import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../testing/app.ts';
import type { Organisation } from '../tenancy/index.ts';
import { fileTypeOf } from './uploads.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** The organisation settings page's form token and cookies, as a browser would hold them. */
async function formPage(): Promise<{ token: string; cookies: Record<string, string> }> {
  const page = await app.inject({
    url: '/admin/organisation',
    headers: signedInAs(org, ['admin']),
  });
  return {
    token: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!,
    cookies: Object.fromEntries(page.cookies.map((c) => [c.name, c.value])),
  };
}

function part(boundary: string, name: string, value: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

async function send(contentType: string, payload: string): Promise<LightMyRequestResponse> {
  const { cookies } = await formPage();
  return app.inject({
    method: 'POST',
    url: '/admin/organisation',
    headers: { ...signedInAs(org, ['admin']), 'content-type': contentType },
    cookies,
    payload,
  });
}

function assertBadRequest(res: LightMyRequestResponse): void {
  assert.equal(res.statusCode, 400, res.body.replace(/<[^>]+>/g, ' ').slice(0, 600));
  assert.match(res.body, /Sorry, we could not understand that request/);
  assert.match(res.body, /Go back and try again\./);
  assert.doesNotMatch(res.body, /there is a problem with the service/);
}

describe('multipart forms', () => {
  it('takes a well-formed form, with its token, and saves it', async () => {
    const { token, cookies } = await formPage();
    const b = 'xyzBOUNDARYxyz';
    const body =
      part(b, '_csrf', token) +
      part(b, 'name', 'Demo Homes Ltd') +
      part(b, 'brandColour', '#1d5b79') +
      part(b, 'welsh', 'no') +
      `--${b}--\r\n`;
    const res = await app.inject({
      method: 'POST',
      url: '/admin/organisation',
      headers: {
        ...signedInAs(org, ['admin']),
        'content-type': `multipart/form-data; boundary=${b}`,
      },
      cookies,
      payload: body,
    });
    assert.equal(res.statusCode, 303);
  });

  it('answers 400 with a plain page when the boundary is missing', async () => {
    assertBadRequest(await send('multipart/form-data', part('b', 'name', 'x') + '--b--\r\n'));
  });

  it('answers 400 when the body does not use the boundary it names', async () => {
    assertBadRequest(
      await send(
        'multipart/form-data; boundary=expected',
        part('other', 'name', 'x') + '--other--\r\n',
      ),
    );
  });

  it('answers 400 when the body is cut off part-way', async () => {
    const b = 'cutBOUNDARY';
    const whole = part(b, 'name', 'Demo Homes') + part(b, 'welsh', 'no') + `--${b}--\r\n`;
    assertBadRequest(
      await send(`multipart/form-data; boundary=${b}`, whole.slice(0, whole.length - 30)),
    );
  });

  it('still knows a file by its first bytes', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    assert.equal(fileTypeOf(png, ['image/png']), 'image/png');
  });
});
