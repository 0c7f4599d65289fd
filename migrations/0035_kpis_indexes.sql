DROP INDEX "repairs_completed_idx";--> statement-breakpoint
CREATE INDEX "repairs_completed_idx" ON "repairs" USING btree ("organisation_id","completed_on","service_id","feedback_requested_on");