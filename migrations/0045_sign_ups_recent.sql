-- The per-opportunity sign-up limit counts the last hour's sign-ups of one
-- opportunity: with created_at in the index it reads only those (at most the
-- limit), not every sign-up the opportunity ever had. The index serves the
-- sign-ups of an opportunity as the one it replaces did.
DROP INDEX "sign_ups_opportunity_idx";--> statement-breakpoint
CREATE INDEX "sign_ups_recent_idx" ON "sign_ups" USING btree ("opportunity_id","created_at");