-- Row-level security holds for the owner too on every tsm table (issue 12 §7).
ALTER TABLE "tsm_responses" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tsm_approaches" FORCE ROW LEVEL SECURITY;
