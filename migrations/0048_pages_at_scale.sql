-- Indexes for staff pages at a large landlord's scale (issue 15), each where a
-- page filters or orders:
-- activities_ends_idx: what has not ended (the staff home's coming up, the
--   activities list's upcoming table and both its totals), without reading
--   the past activities first.
-- consents_equality_not_given_idx: the few people with an equality decision
--   that is not "given", the only ones whose latest can be a withdrawal.
-- people_idle_*_idx: the retention review, the longest idle first, read up to
--   the cutoff instead of sorting the whole register.
-- audit_log_action_idx: the trail's list of actions, read one value at a time.
CREATE INDEX "activities_ends_idx" ON "activities" USING btree ("organisation_id","ends_at");--> statement-breakpoint
CREATE INDEX "consents_equality_not_given_idx" ON "consents" USING btree ("person_id","recorded_at") WHERE "consents"."purpose" = 'equality' and "consents"."status" <> 'given';--> statement-breakpoint
CREATE INDEX "people_idle_involved_idx" ON "people" USING btree ("organisation_id","last_involved_on") WHERE "people"."erased_at" is null and "people"."last_involved_on" is not null;--> statement-breakpoint
CREATE INDEX "people_idle_added_idx" ON "people" USING btree ("organisation_id","created_at") WHERE "people"."erased_at" is null and "people"."last_involved_on" is null;--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("organisation_id","action");