-- Edited by hand after drizzle-kit generate (issue 10 §1 and §7); a copy is
-- kept in src/modules/participation/mode-and-held.sql.txt.
-- An opportunity's mode is in person, online, or both.
ALTER TABLE "opportunities" ADD COLUMN "mode" text DEFAULT 'in_person' NOT NULL;--> statement-breakpoint
-- The data moves as the table's owner: row level security is lifted for the
-- two statements only (a superuser is not bound by it anyway).
ALTER TABLE "opportunities" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "activities" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- [R] The old flag said only "can be done online". One that also names a
-- place (a postcode, or says in person, or online as well as somewhere) was
-- both; the rest were online only. Staff can correct any on the form.
UPDATE "opportunities" SET "mode" = CASE
  WHEN NOT "online" THEN 'in_person'
  WHEN "when_where" ~* '(in[ -]person|face[ -]to[ -]face|(and|or) online|online (and|or)|office|centre|center|hall|library|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})' THEN 'both'
  ELSE 'online' END;--> statement-breakpoint
-- "Held" follows from the date and the register now (activities.ts
-- activityHeld): the stored status is only planned or cancelled.
UPDATE "activities" SET "status" = 'planned' WHERE "status" = 'held';--> statement-breakpoint
ALTER TABLE "opportunities" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "activities" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_status_check" CHECK ("activities"."status" in ('planned', 'cancelled'));--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_mode_check" CHECK ("opportunities"."mode" in ('in_person', 'online', 'both'));
