-- Edited by hand after drizzle-kit generate; a copy is kept in
-- src/modules/feedback/theme-counts.sql.txt.
-- Each item's date and channel beside its themes, so that the quarter's
-- counts by theme and channel read one index (issue 13's benchmark,
-- bench/feedback.ts). Added empty, filled from the items, then required (an
-- item's date and channel never change). The theme index goes on to the date,
-- so the report's quotes stop at three a theme; the items' date index holds
-- the feeling and the review, so the quarter's totals read the index alone.
DROP INDEX "feedback_item_themes_theme_idx";--> statement-breakpoint
DROP INDEX "feedback_items_received_idx";--> statement-breakpoint
ALTER TABLE "feedback_item_themes" ADD COLUMN "received_on" date;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" ADD COLUMN "channel" text;--> statement-breakpoint
-- The data moves as the tables' owner: row level security is lifted for the
-- one statement only (a superuser is not bound by it anyway).
ALTER TABLE "feedback_items" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
UPDATE "feedback_item_themes" it SET "received_on" = i."received_on", "channel" = i."channel"
  FROM "feedback_items" i WHERE i."organisation_id" = it."organisation_id" AND i."id" = it."item_id";--> statement-breakpoint
ALTER TABLE "feedback_items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" ALTER COLUMN "received_on" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" ALTER COLUMN "channel" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "feedback_item_themes_received_idx" ON "feedback_item_themes" USING btree ("organisation_id","received_on","theme_id","channel");--> statement-breakpoint
CREATE INDEX "feedback_item_themes_theme_idx" ON "feedback_item_themes" USING btree ("organisation_id","theme_id","received_on","item_id");--> statement-breakpoint
CREATE INDEX "feedback_items_received_idx" ON "feedback_items" USING btree ("organisation_id","received_on","sentiment","themes_reviewed_at");
