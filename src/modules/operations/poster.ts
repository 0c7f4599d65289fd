import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { UUID } from '../../platform/http/params.ts';
import { listServices } from '../people/index.ts';
import { RATINGS_SHOWN } from './kinds.ts';

/**
 * A quality audit's poster for display in the service (issue 14 §7): the
 * rating only when it is good or outstanding; for requires improvement or
 * inadequate, only what the service does well (seed 000 §6, footnote 1). The
 * rule lives here, once, for the page and the PDF alike.
 */
export interface AuditPoster {
  id: string;
  reference: string;
  serviceName: string;
  completedOn: string;
  auditType: string;
  /** Null unless the rating may be shown. */
  rating: string | null;
  strengths: string[];
  qualityCheckers: number;
}

export async function auditPoster(tx: Queryable, id: string): Promise<AuditPoster | null> {
  if (!UUID.test(id)) return null;
  const [row] = rowsOf<{
    id: string;
    reference: string;
    service_id: string | null;
    completed_on: string;
    audit_type: string;
    rating: string | null;
    strengths: string;
    customer_quality_checkers: number;
  }>(
    await tx.execute(sql`
      select id, reference, service_id, completed_on::text, audit_type, rating, strengths,
        customer_quality_checkers
      from quality_audits where id = ${id}::uuid`),
  );
  if (!row) return null;
  const service = row.service_id
    ? (await listServices(tx)).find((s) => s.id === row.service_id)
    : undefined;
  return {
    id: row.id,
    reference: row.reference,
    serviceName: service?.name ?? '',
    completedOn: row.completed_on,
    auditType: row.audit_type,
    rating: row.rating && RATINGS_SHOWN.includes(row.rating) ? row.rating : null,
    strengths: row.strengths.split('\n').filter(Boolean),
    qualityCheckers: Number(row.customer_quality_checkers),
  };
}
