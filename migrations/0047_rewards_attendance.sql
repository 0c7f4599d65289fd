ALTER TABLE "rewards" ADD COLUMN "attendance_lost" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "expense_claims_open_idx" ON "expense_claims" USING btree ("organisation_id","incurred_on") WHERE "expense_claims"."status" in ('submitted', 'approved');--> statement-breakpoint
CREATE INDEX "rewards_due_idx" ON "rewards" USING btree ("organisation_id","earned_on") WHERE "rewards"."status" = 'due';--> statement-breakpoint
CREATE INDEX "rewards_attendance_lost_idx" ON "rewards" USING btree ("organisation_id","earned_on") WHERE "rewards"."attendance_lost";--> statement-breakpoint
-- Written by hand (issue 15): the triggers that keep rewards.attendance_lost
-- (tables.ts), and its value for the rewards there are already. Appended to
-- the generated migration rewards_attendance; this copy
-- (src/modules/participation/rewards-attendance.sql.txt) is kept to append
-- again if the migration is renumbered.
--
-- A paid reward's attendance is lost when its person has no attendance at
-- its activity with status attended and hours above nothing. Attendance
-- written (added, changed, moved to another person by a merge, removed) sets
-- the flag of the paid rewards of the pairs it touched, one statement a
-- statement; a reward paid (or added as paid) sets its own.
CREATE FUNCTION rewards_attendance_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT organisation_id, activity_id, person_id FROM new_attendance'
    WHEN 'DELETE' THEN 'SELECT organisation_id, activity_id, person_id FROM old_attendance'
    ELSE 'SELECT organisation_id, activity_id, person_id FROM new_attendance
          UNION SELECT organisation_id, activity_id, person_id FROM old_attendance'
  END;
BEGIN
  EXECUTE format($q$
  UPDATE rewards r SET attendance_lost = x.lost
  FROM (
    SELECT k.organisation_id, k.activity_id, k.person_id,
      NOT EXISTS (SELECT 1 FROM attendance t
        WHERE t.organisation_id = k.organisation_id AND t.activity_id = k.activity_id
          AND t.person_id = k.person_id AND t.status = 'attended' AND t.hours > 0) AS lost
    FROM (%s) k
  ) x
  WHERE r.organisation_id = x.organisation_id AND r.activity_id = x.activity_id
    AND r.person_id = x.person_id AND r.status = 'paid' AND r.attendance_lost <> x.lost
  $q$, source);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER attendance_rewards_insert AFTER INSERT ON attendance
  REFERENCING NEW TABLE AS new_attendance FOR EACH STATEMENT EXECUTE FUNCTION rewards_attendance_apply();--> statement-breakpoint
CREATE TRIGGER attendance_rewards_update AFTER UPDATE ON attendance
  REFERENCING OLD TABLE AS old_attendance NEW TABLE AS new_attendance FOR EACH STATEMENT EXECUTE FUNCTION rewards_attendance_apply();--> statement-breakpoint
CREATE TRIGGER attendance_rewards_delete AFTER DELETE ON attendance
  REFERENCING OLD TABLE AS old_attendance FOR EACH STATEMENT EXECUTE FUNCTION rewards_attendance_apply();--> statement-breakpoint
CREATE FUNCTION rewards_attendance_paid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.attendance_lost := NEW.status = 'paid' AND NEW.activity_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM attendance t
    WHERE t.organisation_id = NEW.organisation_id AND t.activity_id = NEW.activity_id
      AND t.person_id = NEW.person_id AND t.status = 'attended' AND t.hours > 0);
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER rewards_attendance_paid BEFORE INSERT OR UPDATE OF status, activity_id, person_id ON rewards
  FOR EACH ROW EXECUTE FUNCTION rewards_attendance_paid();--> statement-breakpoint
-- The paid rewards there are already, checked as the owner: row-level
-- security is lifted for the one statement only (a superuser is not bound by
-- it anyway).
ALTER TABLE "rewards" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "attendance" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
UPDATE rewards r SET attendance_lost = true
WHERE r.status = 'paid' AND r.activity_id IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM attendance t
  WHERE t.organisation_id = r.organisation_id AND t.activity_id = r.activity_id
    AND t.person_id = r.person_id AND t.status = 'attended' AND t.hours > 0);--> statement-breakpoint
ALTER TABLE "rewards" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "attendance" FORCE ROW LEVEL SECURITY;
