import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisationIdColumn, tenantIsolation, tenantPrimaryKey } from '../db/tenant.ts';

/**
 * Every message Coproduce sends. Without SMTP it is also where messages are
 * delivered: administrators read it at /admin/outbox.
 */
export const outbox = pgTable(
  'outbox',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    toAddress: text('to_address').notNull(),
    template: text('template').notNull(),
    language: text('language').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /** Files sent with the message, such as an invitation's .ics: name, type, base64 content. */
    attachments: jsonb('attachments')
      .$type<Array<{ filename: string; contentType: string; content: string }>>()
      .notNull()
      .default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When it was handed to SMTP, or delivered to the outbox. */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** smtp or outbox */
    transport: text('transport'),
  },
  (t) => [
    tenantPrimaryKey('outbox', t),
    index('outbox_created_idx').on(t.organisationId, t.createdAt),
    tenantIsolation('outbox'),
  ],
).enableRLS();
