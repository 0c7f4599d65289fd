-- Row-level security holds for the owner too on every table of groups.
ALTER TABLE "groups" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_terms" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_seats" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_members" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_meetings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_agenda_items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_papers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_decisions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_actions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_action_updates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_elections" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "election_candidates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "election_electors" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "election_ballots" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_draws" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- A record's named links go with it (platform/links).
CREATE TRIGGER groups_remove_links AFTER DELETE ON groups FOR EACH ROW EXECUTE FUNCTION remove_record_links('groups.group');--> statement-breakpoint
CREATE TRIGGER group_agenda_items_remove_links AFTER DELETE ON group_agenda_items FOR EACH ROW EXECUTE FUNCTION remove_record_links('groups.meeting_item');--> statement-breakpoint
CREATE TRIGGER group_decisions_remove_links AFTER DELETE ON group_decisions FOR EACH ROW EXECUTE FUNCTION remove_record_links('groups.decision');--> statement-breakpoint
CREATE TRIGGER group_actions_remove_links AFTER DELETE ON group_actions FOR EACH ROW EXECUTE FUNCTION remove_record_links('groups.action');
