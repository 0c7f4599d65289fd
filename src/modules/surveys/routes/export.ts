import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { audit } from '../../../platform/audit/index.ts';
import { can, guard } from '../../../platform/auth/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { form, text, withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { xlsxStream } from '../../../platform/spreadsheets/index.ts';
import { listServices, peopleByIds } from '../../people/index.ts';
import type { SurveyDefinition } from '../definition.ts';
import {
  csvPieces,
  eachRow,
  exportBatches,
  exportHeader,
  exportQuestions,
  hasTenure,
  type ExportScope,
} from '../export.ts';
import { currentVersion, findSurvey } from '../service.ts';

/** names=yes asks for people's names beside their references (when allowed). */
const ExportQuery = form({ names: text() });

const EXPORTS = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * Staff: a survey's completed responses as rows, one column a question
 * (issue 12 §6), streamed batch by batch as CSV or XLSX. Who sees what: a
 * person's reference only when the survey is not anonymous and the member of
 * staff may see people, their name only when also asked for, and equality
 * answers only with equality:read (as the register guards them). Every
 * export is audited.
 */
export const exportRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  for (const format of Object.keys(EXPORTS) as Array<keyof typeof EXPORTS>) {
    app.get(
      `/staff/surveys/:id/export.${format}`,
      { ...guard('surveys:analyse'), schema: { querystring: ExportQuery } },
      async (request, reply) => {
        const id = idParam(request);
        const user = request.user;
        const mayPeople = can(user, 'people:view');
        const prepared = await request.db(async (tx) => {
          const survey = await findSurvey(tx, id);
          if (!survey) return null;
          const version = await currentVersion(tx, survey);
          const definition = (version?.definition ?? survey.draft) as SurveyDefinition;
          const personReference = !survey.anonymous && mayPeople;
          const scope: ExportScope = {
            personReference,
            personName: personReference && request.query.names === 'yes',
            equality: can(user, 'equality:read'),
            tenure: await hasTenure(tx, id),
          };
          const services = await listServices(tx);
          await audit(tx, actorOf(request), {
            action: 'export',
            entity: 'survey',
            entityId: id,
            after: {
              format,
              personReference: scope.personReference,
              personName: scope.personName,
              equality: scope.equality,
            },
          });
          return { survey, definition, scope, services };
        });
        if (!prepared) throw notFound();
        const { definition, scope } = prepared;
        const serviceNames = new Map(prepared.services.map((s) => [s.id, s.name]));
        const questions = exportQuestions(definition, scope);
        const header = exportHeader(questions, scope);
        const batches = exportBatches(request.db, id, questions, scope, {
          serviceName: (serviceId) => (serviceId ? (serviceNames.get(serviceId) ?? null) : null),
          people: async (ids) => {
            if (ids.length === 0) return new Map();
            const found = await request.db((tx) => peopleByIds(tx, ids));
            return new Map(
              found.map((p) => [
                p.id,
                {
                  reference: p.reference,
                  name: [p.firstName, p.lastName].filter(Boolean).join(' '),
                },
              ]),
            );
          },
        });
        reply
          .header('content-type', EXPORTS[format])
          .header(
            'content-disposition',
            `attachment; filename="survey-${id.slice(0, 8)}-${todayInLondon()}.${format}"`,
          )
          .header('cache-control', 'no-store');
        return reply.send(
          format === 'csv'
            ? Readable.from(csvPieces(header, batches), { objectMode: false })
            : xlsxStream('Responses', header, eachRow(batches)),
        );
      },
    );
  }
};
