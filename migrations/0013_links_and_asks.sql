CREATE TABLE "opportunity_asks" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"asked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "opportunity_asks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "expense_claims" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "reminder_token_hash" text;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD COLUMN "told_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD COLUMN "told_by" text;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD COLUMN "contact_token_hash" text;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD COLUMN "contact_email_hash" text;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD COLUMN "contact_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "opportunity_asks" ADD CONSTRAINT "opportunity_asks_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_asks" ADD CONSTRAINT "opportunity_asks_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_asks" ADD CONSTRAINT "opportunity_asks_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "opportunity_asks_person_idx" ON "opportunity_asks" USING btree ("opportunity_id","person_id");--> statement-breakpoint
CREATE INDEX "opportunity_asks_recent_idx" ON "opportunity_asks" USING btree ("person_id","asked_at");--> statement-breakpoint
CREATE INDEX "people_area_idx" ON "people" USING btree ("organisation_id","area");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_reminder_token_idx" ON "invitations" USING btree ("reminder_token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "sign_ups_contact_token_idx" ON "sign_ups" USING btree ("contact_token_hash");--> statement-breakpoint
CREATE POLICY "opportunity_asks_tenant_isolation" ON "opportunity_asks" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
-- Row-level security holds for the owner too.
ALTER TABLE "opportunity_asks" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Reasons given before this column existed are in the audit trail (found by
-- the claim's id: a merge may have moved the claim to another person).
UPDATE "expense_claims" e SET "reason" = (
  SELECT l."after"->>'reason' FROM "audit_log" l
  WHERE l."entity" = 'person' AND l."action" = 'expense.reject'
    AND l."after"->>'claimId' = e."id"::text
  ORDER BY l."at" DESC, l."id" DESC LIMIT 1)
WHERE e."status" = 'rejected';--> statement-breakpoint
-- Attempts were counted under plain network addresses; they are now counted
-- under hashes. The old rows only held short time windows: drop them.
DELETE FROM "auth_throttle" WHERE "key" !~ '(ip|email):[0-9a-f]{64}$';
