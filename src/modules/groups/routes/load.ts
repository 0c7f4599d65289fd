import type { FastifyRequest } from 'fastify';
import { formErrors, type FieldProblem } from '../../../platform/forms/index.ts';
import { notFound, idParam } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { groupById, type GroupDetail } from '../groups.ts';

/** Loads a body or answers 404: every id from a URL is looked up within the organisation. */
export async function loadGroup(request: FastifyRequest): Promise<GroupDetail> {
  const id = idParam(request);
  const group = await request.db((tx) => groupById(tx, id));
  if (!group) throw notFound();
  return group;
}

/** A form's problems as the error summary and field messages, in the reader's language. */
export const errorsOf = (request: FastifyRequest, problems: FieldProblem[]) =>
  formErrors(translator(request.language, request.translations), problems);
