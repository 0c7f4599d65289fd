-- Row-level security holds for the owner too on every operations table (issue 14).
ALTER TABLE "recruitments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "quality_audits" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "complaint_stages" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "repairs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "volunteer_obligations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "asb_cases" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "homes_counts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- A record's links go with it (platform/links): the four kinds operations declares.
CREATE TRIGGER recruitments_remove_links AFTER DELETE ON recruitments FOR EACH ROW EXECUTE FUNCTION remove_record_links('operations.recruitment');--> statement-breakpoint
CREATE TRIGGER quality_audits_remove_links AFTER DELETE ON quality_audits FOR EACH ROW EXECUTE FUNCTION remove_record_links('operations.audit');--> statement-breakpoint
CREATE TRIGGER complaint_stages_remove_links AFTER DELETE ON complaint_stages FOR EACH ROW EXECUTE FUNCTION remove_record_links('operations.complaint');--> statement-breakpoint
CREATE TRIGGER repairs_remove_links AFTER DELETE ON repairs FOR EACH ROW EXECUTE FUNCTION remove_record_links('operations.repair');
