import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { form, text, withShapes } from '../../../platform/forms/schema.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { sendPdf } from '../../../platform/pdf/index.ts';
import {
  financialQuarterOf,
  nextPeriod,
  parsePeriod,
  periodLabel,
  previousPeriod,
} from '../../../platform/periods/index.ts';
import { organisationName } from '../../../platform/tenancy/index.ts';
import { whenText } from '../../participation/index.ts';
import { groupById, londonToday } from '../groups.ts';
import { quarterReport } from '../report.ts';
import { reportPdf } from '../report-pdf.ts';

const ReportQuery = form({ period: text() });

/** The body from the address and the quarter asked for (this quarter when none or unknown). */
async function loadReport(request: FastifyRequest, periodName = '') {
  const id = idParam(request);
  const today = londonToday();
  const period = parsePeriod('quarter', periodName) ?? financialQuarterOf(today);
  const report = await request.db(async (tx) => {
    const group = await groupById(tx, id);
    return group ? quarterReport(tx, group, period, today) : null;
  });
  if (!report) throw notFound();
  return report;
}

/**
 * Reporting upwards (issue 11 §6): a quarter's decisions, open actions and
 * attendance for the body the group reports to, as a page to print and as a
 * tagged PDF, each in easy read as well.
 */
export const reportRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  for (const easyRead of [false, true]) {
    const base = `/staff/groups/:id/report${easyRead ? '/easy-read' : ''}`;
    app.get(
      base,
      { ...guard('groups:view'), schema: { querystring: ReportQuery } },
      async (request, reply) => {
        const report = await loadReport(request, request.query.period);
        const tr = translator(request.language, request.translations);
        const path = `/staff/groups/${report.group.id}/report`;
        return reply.page(`groups/views/staff/report${easyRead ? '-easy' : ''}.njk`, {
          ...report,
          group: report.group,
          section: 'report',
          periodName: periodLabel(report.period, tr),
          previous: previousPeriod(report.period).name,
          next: nextPeriod(report.period).name,
          path,
          organisationName: organisationName(request.organisation, request.language),
          when: Object.fromEntries(
            report.meetings.map((m) => [m.id, whenText(m, request.language)]),
          ),
        });
      },
    );
    app.get(
      `/staff/groups/:id/report${easyRead ? '/easy-read' : ''}.pdf`,
      { ...guard('groups:view'), schema: { querystring: ReportQuery } },
      async (request, reply) => {
        const report = await loadReport(request, request.query.period);
        const tr = translator(request.language, request.translations);
        const organisation = organisationName(request.organisation, request.language);
        return sendPdf(
          reply,
          reportPdf(report, tr, organisation, easyRead),
          `${report.group.slug}-${report.period.name}${easyRead ? '-easy-read' : ''}.pdf`,
        );
      },
    );
  }
};
