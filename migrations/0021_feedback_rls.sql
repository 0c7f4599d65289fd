ALTER TABLE "feedback_themes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_actions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_loop_messages" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_editions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- A record's links go with it (platform/links): items and actions are link kinds.
CREATE TRIGGER feedback_items_remove_links AFTER DELETE ON feedback_items FOR EACH ROW EXECUTE FUNCTION remove_record_links('feedback.item');--> statement-breakpoint
CREATE TRIGGER feedback_actions_remove_links AFTER DELETE ON feedback_actions FOR EACH ROW EXECUTE FUNCTION remove_record_links('feedback.action');
