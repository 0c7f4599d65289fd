import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import fastifyView from '@fastify/view';
import nunjucks from 'nunjucks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import { translator } from '../i18n/index.ts';
import { symbolSvg } from './symbols.ts';
import { bracketingEnglish, markEnglish, ownWords } from '../i18n/mark-english.ts';
import { can } from '../auth/index.ts';
import { organisationName, textColourOn } from '../tenancy/index.ts';
import type { ModuleManifest, NavigationItem } from '../manifest.ts';
import { inArea, staffAreas } from '../shell/navigation.ts';

/**
 * A template imported without the importer's context (`{% from "x" import y %}`,
 * as every govuk-frontend macro is) gives the same macros each time: Nunjucks
 * runs the imported template again on every render to find them, which was a
 * tenth of a page's time. They are kept per compiled template, so a template
 * recompiled in development brings its new macros. An import `with context`
 * still runs each time, as its exports may read the page's variables.
 */
type Exported = Record<string, unknown>;
type ExportedCallback = (error: Error | null, exported: Exported) => void;
const exportsOf = new WeakMap<object, Exported>();
const templatePrototype = nunjucks.Template.prototype as unknown as {
  getExported: (...args: unknown[]) => void;
};
const runForExports = templatePrototype.getExported;
templatePrototype.getExported = function getExported(this: object, ...args: unknown[]) {
  const [callback] = args;
  if (args.length !== 1 || typeof callback !== 'function') {
    return runForExports.apply(this, args);
  }
  const kept = exportsOf.get(this);
  if (kept) return (callback as ExportedCallback)(null, kept);
  return runForExports.call(this, (error: Error | null, exported: Exported) => {
    if (!error) exportsOf.set(this, exported);
    (callback as ExportedCallback)(error, exported);
  });
};

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../../..');
export const BUILD_DIR = path.join(ROOT, 'public/build');

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page inside the layout, with the organisation, language and navigation. */
    page(template: string, data?: Record<string, unknown>): FastifyReply;
  }
}

export interface ViewOptions {
  manifests: readonly ModuleManifest[];
  production: boolean;
}

/** A short hash of the built stylesheet, so asset URLs change when it does. */
function assetVersion(): string {
  const css = path.join(BUILD_DIR, 'app.css');
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  const hash = createHash('sha256').update(pkg.version);
  if (existsSync(css)) hash.update(readFileSync(css));
  return hash.digest('hex').slice(0, 10);
}

function withQuery(url: string, key: string, value: string): string {
  const parsed = new URL(url, 'http://x');
  parsed.searchParams.set(key, value);
  return `${parsed.pathname}${parsed.search}`;
}

// Formatters are costly to make (a fifth of a list page's time went on making
// them, one per date shown) and safe to share: one per locale, made once.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayFormat(locale: string, weekday = false): Intl.DateTimeFormat {
  const key = `${locale}${weekday ? ':weekday' : ''}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      ...(weekday ? { weekday: 'long' as const } : {}),
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'Europe/London',
    });
    dayFormats.set(key, format);
  }
  return format;
}
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h12',
  timeZone: 'Europe/London',
});
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Dates as GOV.UK writes them: "23 November 2026", and with the time
 * "23 November 2026, 10:15am", in UK time, in the page's language.
 */
export function formatDate(value: unknown, language: string, withTime: boolean): string {
  if (value === null || value === undefined || value === '') return '';
  const date =
    typeof value === 'string' && ISO_DAY.test(value)
      ? new Date(`${value}T12:00:00Z`)
      : new Date(value as string | number | Date);
  if (Number.isNaN(date.getTime())) return String(value);
  const day = dayFormat(language === 'cy' ? 'cy-GB' : 'en-GB').format(date);
  if (!withTime) return day;
  const time = timeFormat.format(date).replace(' ', '').toLowerCase();
  return `${day}, ${time}`;
}

/** The day with its weekday, in UK time, in the language: "Monday 23 November 2026". */
export function formatWeekday(date: Date, language: string): string {
  return dayFormat(language === 'cy' ? 'cy-GB' : 'en-GB', true)
    .format(date)
    .replace(',', '');
}

/** Nunjucks with the GOV.UK and MOJ templates, the layout, and reply.page(). */
export const views = fp<ViewOptions>(
  async (app, options) => {
    const require = createRequire(import.meta.url);
    const govukDir = path.dirname(require.resolve('govuk-frontend/package.json'));
    const mojDir = path.dirname(require.resolve('@ministryofjustice/frontend/package.json'));
    const templates = [
      path.join(ROOT, 'src/platform/views'),
      path.join(ROOT, 'src/modules'),
      path.join(ROOT, 'src/platform'),
      path.join(govukDir, 'dist'),
      mojDir,
    ];
    const version = assetVersion();
    const navigation = options.manifests
      .flatMap((manifest) => manifest.navigation ?? [])
      .sort((a, b) => a.order - b.order);

    await app.register(fastifyView, {
      engine: { nunjucks },
      templates,
      production: options.production,
      options: {
        autoescape: true,
        throwOnUndefined: false,
        trimBlocks: true,
        lstripBlocks: true,
        onConfigure(env: nunjucks.Environment) {
          // MOJ Frontend's filters (mojDate and others) its macros rely on.
          const mojFilters = require('@ministryofjustice/frontend/moj/filters/all') as () => Record<
            string,
            (...args: unknown[]) => unknown
          >;
          for (const [name, filter] of Object.entries(mojFilters())) env.addFilter(name, filter);
          // Easy read's pictures (symbols.ts), for macros/easy-read.njk's picture.
          env.addGlobal(
            'easySymbol',
            (name: string, alt?: string) =>
              new nunjucks.runtime.SafeString(symbolSvg(name, alt || undefined)),
          );
          env.addFilter(
            'govukDate',
            function (this: { ctx?: { language?: string } }, value: unknown) {
              return formatDate(value, this.ctx?.language ?? 'en', false);
            },
          );
          env.addFilter(
            'govukDateTime',
            function (this: { ctx?: { language?: string } }, value: unknown) {
              return formatDate(value, this.ctx?.language ?? 'en', true);
            },
          );
        },
      },
    });

    function layoutContext(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
      const language = request.language ?? 'en';
      const tr = translator(language, request.translations);
      // English without Welsh is bracketed and marked lang="en" when the page is finished.
      const text = bracketingEnglish(tr);
      const org = request.organisation as FastifyRequest['organisation'] | null;
      const url = request.url;
      const pathOnly = url.split('?')[0] ?? '/';
      // The staff pages and the administration pages share the staff navigation.
      const staffSide =
        pathOnly === '/staff' ||
        pathOnly.startsWith('/staff/') ||
        pathOnly === '/admin' ||
        pathOnly.startsWith('/admin/');
      const user = request.user ?? null;
      let nav: Array<{ href: string; text: string; active: boolean; current: boolean }>;
      if (staffSide) {
        // One row: the areas, each its page of links (or its one link).
        let found = false;
        nav = staffAreas(navigation, user).map((entry) => {
          const active = !found && inArea(entry, pathOnly);
          found ||= active;
          return {
            href: entry.href,
            text: text(`nav.areas.${entry.area}`),
            active,
            current: pathOnly === entry.href,
          };
        });
      } else {
        const visible = (item: NavigationItem) =>
          item.side === 'public' && (!item.action || can(user, item.action));
        nav = navigation.filter(visible).map((item) => ({
          href: item.href,
          text: text(item.labelKey),
          active:
            pathOnly === item.href || (item.href !== '/' && pathOnly.startsWith(`${item.href}/`)),
          current: pathOnly === item.href,
        }));
      }
      const brand = org?.brandColour ?? '#00594f';
      const languageNav = org?.welshEnabled
        ? (['en', 'cy'] as const).map((lang) => ({
            text: tr.text(`language.${lang}`),
            lang,
            href: lang === language ? undefined : withQuery(url, 'lang', lang),
            current: lang === language,
          }))
        : null;
      // The form token is made when a template first writes it: most public
      // pages have no form, and issuing one signs a cookie and sends it.
      let token: string | undefined;
      const csrfToken = {
        toString: () => (token ??= reply.csrfToken()),
      };
      return {
        htmlLang: language,
        language,
        t: tr.t,
        text,
        /** The organisation's own words (a list label and its Welsh, if any) for this page. */
        ownWords: (english: string, welsh?: string | null) => ownWords(language, english, welsh),
        cspNonce: reply.cspNonce?.script,
        styleNonce: reply.cspNonce?.style,
        assetVersion: version,
        organisationName: org ? organisationName(org, language) : 'Coproduce',
        organisationHasLogo: org?.hasLogo ?? false,
        brandColour: brand,
        brandText: textColourOn(brand),
        staffSide,
        navigation: nav,
        user,
        /** Whether the reader may do an action: for links to pages another permission guards. */
        may: (action: Parameters<typeof can>[1]) => can(user, action),
        languageNav,
        easyRead: request.easyRead,
        displayToggleHref: withQuery(url, 'display', request.easyRead ? 'standard' : 'easy'),
        currentPath: pathOnly,
        csrfToken,
      };
    }

    app.decorateReply('page', function page(this: FastifyReply, template: string, data = {}) {
      const context = { ...layoutContext(this.request, this), ...data };
      this.header('content-type', 'text/html; charset=utf-8');
      if ((this.request.language ?? 'en') === 'en') {
        return this.view(template, context) as unknown as FastifyReply;
      }
      // Rendered, then finished by marking its English (mark-english.ts);
      // returning the reply tells Fastify the answer follows.
      this.viewAsync(template, context).then(
        (html) => this.send(markEnglish(html)),
        (error: unknown) => this.send(error),
      );
      return this;
    });
  },
  { name: 'views', dependencies: ['request-context'] },
);
