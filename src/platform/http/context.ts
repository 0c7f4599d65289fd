import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { Database, Tx } from '../db/index.ts';
import { findOrganisationForHost, normaliseHost, type Organisation } from '../tenancy/index.ts';
import { isLanguage, type Language, type TranslationOverrides } from '../i18n/index.ts';
import { organisationOverrides } from '../i18n/overrides.ts';
import type { CurrentUser } from '../auth/index.ts';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The organisation this request reached (by host name, or the default). */
    organisation: Organisation;
    /**
     * Runs database work in one short transaction scoped to the request's
     * organisation, as the non-owner role. Render after it returns: the
     * transaction covers database work only.
     */
    db: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;
    user: CurrentUser | null;
    /** A user who gave the right password and still owes the second factor. */
    pendingUserId: string | null;
    language: Language;
    /**
     * The organisation's own translations for the request's language, if it
     * has any (never for English): pass to translator() with the language,
     * `translator(request.language, request.translations)`.
     */
    translations: TranslationOverrides | undefined;
    easyRead: boolean;
    /**
     * Where links in messages point: the organisation's own registered host
     * when the request came by it, else BASE_URL. Never the request's Host
     * header as such, which anyone can set.
     */
    publicBaseUrl: string;
  }
}

export interface ContextOptions {
  database: Database;
  defaultOrg: string;
  /** BASE_URL, for links when the host names no organisation of its own. */
  baseUrl: string;
  /** Finds the signed-in user. The identity module provides the real one. */
  resolveUser?: (request: FastifyRequest) => Promise<CurrentUser | null>;
  /** Paths that never need the user (static files, health checks). */
  anonymousPrefixes?: string[];
  /** Seconds an organisation looked up by host is remembered. */
  cacheSeconds?: number;
}

const YEAR = 60 * 60 * 24 * 365;
/** How many host names the organisation lookup remembers at most. */
const HOSTS_REMEMBERED = 10_000;
/** Paths that answer whatever the host, even one that reaches no organisation. */
const ORGANISATION_OPTIONAL = ['/assets/', '/healthz', '/readyz'];

/**
 * Gives every request its organisation, its scoped database work, its user,
 * and the visitor's language and display preferences.
 */
export const requestContext = fp<ContextOptions>(
  async (app, options) => {
    const { database, defaultOrg } = options;
    const ttl = (options.cacheSeconds ?? 5) * 1000;
    type Found = { org: Organisation | null; byHost: boolean };
    const cache = new Map<string, Found & { expires: number }>();

    async function lookup(host: string): Promise<Found> {
      const hit = cache.get(host);
      const now = Date.now();
      if (hit && hit.expires > now) return hit;
      const found = await findOrganisationForHost(database.system, host, defaultOrg);
      const entry = {
        org: found?.organisation ?? null,
        byHost: found?.byHost ?? false,
        expires: now + ttl,
      };
      // Bounded (any Host header can be sent): the oldest host is forgotten
      // first, so a hosted service with thousands of organisations keeps
      // the rest rather than starting again (issue 15's 1,000 organisations).
      cache.delete(host);
      if (cache.size >= HOSTS_REMEMBERED) cache.delete(cache.keys().next().value as string);
      cache.set(host, entry);
      return entry;
    }
    const scheme = new URL(options.baseUrl).protocol;

    app.decorateRequest('organisation', null as unknown as Organisation);
    app.decorateRequest('db', null as unknown as FastifyRequest['db']);
    app.decorateRequest('user', null);
    app.decorateRequest('pendingUserId', null);
    const anonymous = options.anonymousPrefixes ?? [
      '/assets/',
      '/healthz',
      '/readyz',
      '/organisation/',
    ];
    app.decorateRequest('language', 'en');
    app.decorateRequest('translations', undefined);
    app.decorateRequest('easyRead', false);
    app.decorateRequest('publicBaseUrl', '');

    app.addHook('onRequest', async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const cookies = request.cookies;

      // Display: ?display=easy or ?display=standard, remembered for the visitor.
      const display = query.display;
      if (display === 'easy' || display === 'standard') {
        request.easyRead = display === 'easy';
        reply.setCookie('display', display, {
          path: '/',
          maxAge: YEAR,
          sameSite: 'lax',
          httpOnly: true,
        });
      } else {
        request.easyRead = cookies.display === 'easy';
      }

      const host = normaliseHost(request.headers.host);
      const { org, byHost } = await lookup(host);
      request.publicBaseUrl = byHost ? `${scheme}//${host}` : options.baseUrl;
      if (!org) {
        request.language = 'en';
        // Health checks and static files answer whatever the host.
        if (ORGANISATION_OPTIONAL.some((prefix) => request.url.startsWith(prefix))) return;
        throw new AppError(404, 'ORGANISATION_NOT_FOUND', 'errors.notFound');
      }
      request.organisation = org;
      request.db = (work) => database.withOrganisation(org.id, work);

      // Language: ?lang=cy or ?lang=en, remembered; Welsh only where the organisation offers it.
      let language: Language = 'en';
      const asked = query.lang;
      if (isLanguage(asked)) {
        language = asked;
        reply.setCookie('lang', asked, {
          path: '/',
          maxAge: YEAR,
          sameSite: 'lax',
          httpOnly: true,
        });
      } else if (isLanguage(cookies.lang)) {
        language = cookies.lang;
      }
      request.language = org.welshEnabled ? language : 'en';
      // The organisation's own translations (held in memory; see overrides.ts).
      if (request.language !== 'en')
        request.translations = await organisationOverrides(database, org.id, request.language);

      if (options.resolveUser && !anonymous.some((prefix) => request.url.startsWith(prefix))) {
        request.user = await options.resolveUser(request);
      }
    });
  },
  { name: 'request-context', dependencies: ['@fastify/cookie'] },
);
