import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { guard, PUBLIC_ROUTE } from '../../../platform/auth/index.ts';
import type { Queryable } from '../../../platform/db/index.ts';
import { params, withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { notFound } from '../../../platform/http/params.ts';
import { forPage, ownWords, translator } from '../../../platform/i18n/index.ts';
import { inPlace } from '../../../platform/plain-english/index.ts';
import {
  currentPeriod,
  parsePeriod,
  periodLabel,
  type ReportingPeriod,
} from '../../../platform/periods/index.ts';
import { readSettings } from '../../../platform/tenancy/index.ts';
import { loadOptions } from '../../people/index.ts';
import {
  checkEdition,
  editionContent,
  editionTexts,
  listEditions,
  publishEdition,
  publishedEdition,
} from '../editions.ts';
import { quarterReport } from '../report.ts';
import { loopDays } from '../statistics.ts';
import { EditionBody, PeriodQuery } from '../schemas.ts';

const EditionParams = params('period');
const SegmentParams = params('period', 'segment');

function periodFrom(name: string | undefined): ReportingPeriod {
  return (name ? parsePeriod('quarter', name) : null) ?? currentPeriod('quarter');
}

async function segments(tx: Queryable, language: string) {
  const options = await loadOptions(tx);
  return options.specialism
    .filter((o) => !o.retired)
    .map((o) => ({ code: o.code, label: ownWords(language, o.label, o.labelCy) }));
}

const SEGMENT = /^[a-z0-9_-]{1,60}$/;

/** The quarter's themes report, the editions of "You said, we did", and their public pages. */
export const publicationRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  app.get(
    '/staff/feedback/report',
    { ...guard('feedback:view'), schema: { querystring: PeriodQuery } },
    async (request, reply) => {
      const period = periodFrom(request.query.period);
      const tr = forPage(translator(request.language, request.translations));
      const data = await request.db(async (tx) => ({
        report: await quarterReport(tx, period),
        loop: await loopDays(tx, { from: period.from, to: period.to }),
      }));
      return reply.page('feedback/views/editions/report.njk', {
        ...data,
        label: periodLabel(period, tr),
        previousLabel: periodLabel(data.report.previous, tr),
        periodName: period.name,
      });
    },
  );

  const renderEditor = async (
    request: FastifyRequest,
    reply: FastifyReply,
    period: ReportingPeriod,
    segment: string,
    extra: { intro?: string; problems?: boolean; saved?: string | null } = {},
  ) => {
    const tr = forPage(translator(request.language, request.translations));
    const data = await request.db(async (tx) => {
      const content = await editionContent(tx, period, segment);
      const published = await publishedEdition(tx, period.name, segment);
      const acronyms = (await readSettings(tx, request.organisation.id)).plainEnglishAcronyms;
      return {
        content,
        published,
        acronyms,
        segments: await segments(tx, request.language),
        editions: await listEditions(tx),
      };
    });
    const intro = extra.intro ?? data.published?.intro ?? '';
    const findings = checkEdition(data.content, intro, data.acronyms);
    const texts = Object.fromEntries(
      editionTexts(data.content, intro).map((f) => [f.field, f.text]),
    );
    return reply.code(extra.problems ? 400 : 200).page('feedback/views/editions/editor.njk', {
      period,
      label: periodLabel(period, tr),
      segment,
      segments: data.segments,
      content: data.content,
      published: data.published,
      editions: data.editions,
      intro,
      findings: findings.map((f) => ({ ...f, place: inPlace(texts[f.field] ?? '', f) })),
      needsConfirm: extra.problems ?? false,
      saved: extra.saved ?? null,
    });
  };

  app.get(
    '/staff/feedback/editions',
    { ...guard('feedback:publish'), schema: { querystring: PeriodQuery } },
    async (request, reply) => {
      const query = request.query;
      const segment = SEGMENT.test(query.segment ?? '') ? query.segment! : '';
      return renderEditor(request, reply, periodFrom(query.period), segment, {
        saved: query.saved ?? null,
      });
    },
  );

  app.post(
    '/staff/feedback/editions/:period',
    { ...guard('feedback:publish'), schema: { params: EditionParams, body: EditionBody } },
    async (request, reply) => {
      const period = parsePeriod('quarter', request.params.period ?? '');
      if (!period) throw notFound();
      const segment = SEGMENT.test(request.body.segment ?? '') ? request.body.segment! : '';
      const intro = (request.body.intro ?? '').trim().slice(0, 2000);
      const result = await request.db(async (tx) => {
        if (segment && !(await segments(tx, 'en')).some((s) => s.code === segment)) return null;
        const content = await editionContent(tx, period, segment);
        const acronyms = (await readSettings(tx, request.organisation.id)).plainEnglishAcronyms;
        const findings = checkEdition(content, intro, acronyms);
        // The plain-English check runs on every text; with findings, the publisher says they read them.
        if (findings.length && request.body.confirmFindings !== 'yes')
          return { ok: false as const };
        await publishEdition(tx, actorOf(request), period, segment, intro, content);
        return { ok: true as const };
      });
      if (!result) throw notFound();
      if (!result.ok)
        return renderEditor(request, reply, period, segment, { intro, problems: true });
      return reply.redirect(
        `/staff/feedback/editions?period=${period.name}${segment ? `&segment=${segment}` : ''}&saved=published`,
        303,
      );
    },
  );

  // ------------------------------------------------------------------ public pages

  app.get('/you-said-we-did', PUBLIC_ROUTE, async (request, reply) => {
    const tr = forPage(translator(request.language, request.translations));
    const data = await request.db(async (tx) => ({
      editions: await listEditions(tx),
      segments: await segments(tx, request.language),
    }));
    const names = new Map(data.segments.map((s) => [s.code, s.label]));
    return reply.page('feedback/views/editions/index.njk', {
      editions: data.editions.map((e) => ({
        ...e,
        label: periodLabel(parsePeriod('quarter', e.period)!, tr),
        segmentLabel: e.segment ? (names.get(e.segment) ?? e.segment) : null,
        href: `/you-said-we-did/${e.period}${e.segment ? `/${e.segment}` : ''}`,
      })),
    });
  });

  type View = 'web' | 'poster' | 'easy-read';

  const showEdition = async (
    request: FastifyRequest,
    reply: FastifyReply,
    periodName: string,
    segment: string,
    view: View,
  ) => {
    const period = parsePeriod('quarter', periodName);
    if (!period || (segment && !SEGMENT.test(segment))) throw notFound();
    const tr = forPage(translator(request.language, request.translations));
    const data = await request.db(async (tx) => ({
      edition: await publishedEdition(tx, period.name, segment),
      segments: await segments(tx, request.language),
    }));
    if (!data.edition?.content) throw notFound();
    const base = `/you-said-we-did/${period.name}${segment ? `/${segment}` : ''}`;
    const segmentLabel = segment
      ? (data.segments.find((s) => s.code === segment)?.label ?? segment)
      : null;
    const common = {
      edition: data.edition,
      content: data.edition.content,
      label: periodLabel(period, tr),
      segmentLabel,
      base,
    };
    if (view === 'poster') {
      const url = `${request.publicBaseUrl}${base}`;
      const label = tr
        .text('feedback.editions.qrLabel', { url })
        .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      // The QR code as inline SVG: it prints sharp at any size and needs no file.
      const qrSvg = (
        await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      ).replace('<svg ', `<svg role="img" aria-label="${label}" focusable="false" `);
      return reply.page('feedback/views/editions/poster.njk', { ...common, url, qrSvg });
    }
    return reply.page(
      view === 'easy-read'
        ? 'feedback/views/editions/easy-read.njk'
        : 'feedback/views/editions/web.njk',
      common,
    );
  };

  for (const [suffix, view] of [
    ['', 'web'],
    ['/poster', 'poster'],
    ['/easy-read', 'easy-read'],
  ] as const) {
    app.get(
      `/you-said-we-did/:period${suffix}`,
      { ...PUBLIC_ROUTE, schema: { params: EditionParams } },
      async (request, reply) => showEdition(request, reply, request.params.period ?? '', '', view),
    );
    app.get(
      `/you-said-we-did/:period/:segment${suffix}`,
      { ...PUBLIC_ROUTE, schema: { params: SegmentParams } },
      async (request, reply) =>
        showEdition(
          request,
          reply,
          request.params.period ?? '',
          request.params.segment ?? '',
          view,
        ),
    );
  }
};
