import type { FastifyPluginAsync } from 'fastify';
import { guard } from '../../platform/auth/index.ts';
import { translator } from '../../platform/i18n/index.ts';
import { DEFAULT_ACRONYMS } from '../../platform/plain-english/index.ts';
import { readSettings, updateSettings } from '../../platform/tenancy/index.ts';
import { formErrors } from '../../platform/views/forms.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { withShapes } from '../../platform/forms/schema.ts';
import { AcronymsForm, SavedQuery } from './schemas.ts';

/** "TSM = Tenant Satisfaction Measures", one a line, into a map; problems by line. */
export function readAcronyms(text: string): {
  acronyms: Record<string, string>;
  badLines: number[];
} {
  const acronyms: Record<string, string> = {};
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const match = /^\s*([A-Za-z][A-Za-z0-9&]{1,9})\s*[=:–-]\s*(.{3,120})$/.exec(line);
    if (match) acronyms[match[1]!] = match[2]!.trim();
    else badLines.push(i + 1);
  });
  return { acronyms, badLines };
}

const asText = (acronyms: Record<string, string>) =>
  Object.entries(acronyms)
    .map(([a, words]) => `${a} = ${words}`)
    .join('\n');

/**
 * The organisation's own acronyms for the plain-English check (issue 5 §3),
 * an organisation-wide setting that every module's check uses.
 */
export const plainEnglishRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/admin/plain-english',
    { ...guard('register:configure'), schema: { querystring: SavedQuery } },
    async (request, reply) => {
      const settings = await request.db((tx) => readSettings(tx, request.organisation.id));
      return reply.page('settings/views/plain-english.njk', {
        value: asText(settings.plainEnglishAcronyms),
        defaults: Object.entries(DEFAULT_ACRONYMS).sort(([a], [b]) => a.localeCompare(b)),
        saved: request.query.saved === '1',
        errors: {},
      });
    },
  );

  app.post(
    '/admin/plain-english',
    { ...guard('register:configure'), schema: { body: AcronymsForm } },
    async (request, reply) => {
      const value = request.body.acronyms ?? '';
      const { acronyms, badLines } = readAcronyms(value.slice(0, 20_000));
      if (badLines.length > 0) {
        const tr = translator(request.language, request.translations);
        const errors = formErrors(tr, { acronyms: 'plainEnglishSettings.error' });
        return reply.code(400).page('settings/views/plain-english.njk', {
          value,
          defaults: Object.entries(DEFAULT_ACRONYMS).sort(([a], [b]) => a.localeCompare(b)),
          badLines: badLines.join(', '),
          errors: errors?.errors ?? {},
          errorList: errors?.errorList,
        });
      }
      await request.db((tx) =>
        updateSettings(tx, actorOf(request), request.organisation.id, {
          plainEnglishAcronyms: acronyms,
        }),
      );
      return reply.redirect('/admin/plain-english?saved=1', 303);
    },
  );
};
