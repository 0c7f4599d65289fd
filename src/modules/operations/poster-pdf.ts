import type { FastifyReply } from 'fastify';
import type { Translator } from '../../platform/i18n/index.ts';
import {
  bulletList,
  createPdf,
  heading,
  paragraph,
  sendPdf,
  type Pdf,
} from '../../platform/pdf/index.ts';
import { formatDate } from '../../platform/views/index.ts';
import type { AuditPoster } from './poster.ts';

/**
 * The audit poster as a tagged PDF (platform/pdf), with the same rule as the
 * page: the rating only when good or outstanding (poster.ts decides).
 */
export function posterPdf(poster: AuditPoster, tr: Translator, organisation: string): Pdf {
  const name = poster.serviceName || poster.reference;
  const pdf = createPdf({
    title: tr.text('operations.poster.title', { service: name }),
    language: tr.language,
    author: organisation,
  });
  heading(pdf, name, 1);
  paragraph(
    pdf,
    `${tr.text('operations.poster.heading')}. ${tr.text('operations.poster.audited', {
      date: formatDate(poster.completedOn, tr.language, false),
    })}`,
  );
  if (poster.rating) {
    heading(pdf, tr.text('operations.poster.rating'), 2);
    paragraph(pdf, tr.text(`operations.choices.${poster.rating}`), { bold: true });
  }
  heading(pdf, tr.text('operations.poster.strengths'), 2);
  if (poster.strengths.length) bulletList(pdf, poster.strengths);
  else paragraph(pdf, tr.text('operations.poster.noStrengths'));
  if (poster.qualityCheckers > 0)
    paragraph(pdf, tr.text('operations.poster.checkers', { count: poster.qualityCheckers }));
  return pdf;
}

/** Streams the poster's PDF as a download. */
export function sendPosterPdf(
  reply: FastifyReply,
  poster: AuditPoster,
  tr: Translator,
  organisation: string,
): FastifyReply {
  return sendPdf(
    reply,
    posterPdf(poster, tr, organisation),
    `audit-poster-${poster.reference}.pdf`,
  );
}
