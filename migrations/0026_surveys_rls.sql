-- Row-level security holds for the owner too on every surveys table.
ALTER TABLE "surveys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_versions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_collaborators" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_comments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_kiosks" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_invitations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_responses" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_answers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- A record's named links go with it (platform/links).
CREATE TRIGGER surveys_remove_links AFTER DELETE ON surveys FOR EACH ROW EXECUTE FUNCTION remove_record_links('surveys.survey');--> statement-breakpoint
CREATE TRIGGER survey_responses_remove_links AFTER DELETE ON survey_responses FOR EACH ROW EXECUTE FUNCTION remove_record_links('surveys.response');--> statement-breakpoint
CREATE TRIGGER survey_invitations_remove_links AFTER DELETE ON survey_invitations FOR EACH ROW EXECUTE FUNCTION remove_record_links('surveys.invitation');
