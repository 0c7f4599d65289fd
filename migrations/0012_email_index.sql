-- Emails are stored lower-case, so a plain index serves, and row-level security
-- lets a query use it (an index on lower(email) needs lower(), which is not leakproof).
UPDATE "people" SET "email" = lower("email") WHERE "email" <> lower("email");--> statement-breakpoint
DROP INDEX "people_email_idx";--> statement-breakpoint
CREATE INDEX "people_email_idx" ON "people" USING btree ("organisation_id","email");