import {
  bigserial,
  boolean,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisationIdColumn, tenantIsolation, tenantPrimaryKey } from '../db/tenant.ts';

/**
 * The append-only audit trail: who changed what, when, from where, with the
 * record before and after. The application role may insert and read it, never
 * update or delete it (migration 0004); the one exception is erasure under UK
 * GDPR, through the function audit_redact().
 */
export const auditLog = pgTable(
  'audit_log',
  {
    organisationId: organisationIdColumn(),
    id: bigserial('id', { mode: 'number' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid('actor_user_id'),
    /** How the actor is shown: a user's name, "system", "coproduce CLI". */
    actorLabel: text('actor_label').notNull(),
    /** create, update, delete, read, sign-in, erase … */
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    redacted: boolean('redacted').notNull().default(false),
  },
  (t) => [
    tenantPrimaryKey('audit_log', t),
    index('audit_log_at_idx').on(t.organisationId, t.at),
    // The trail's filter lists its actions: read along this index one value
    // at a time (auditFacets), not by reading the whole trail.
    index('audit_log_action_idx').on(t.organisationId, t.action),
    index('audit_log_entity_idx').on(t.organisationId, t.entity, t.entityId),
    tenantIsolation('audit_log'),
  ],
).enableRLS();

export type AuditRow = typeof auditLog.$inferSelect;
