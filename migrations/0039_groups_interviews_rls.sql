-- Notes for redoing the interview migrations after a rebase (BRIEF, "Migrations").
-- 1. npm run db:generate -- --name groups_interviews
-- 2. npx drizzle-kit generate --custom --name groups_interviews_rls, and paste what follows.
-- Row-level security holds for the owner too on every table of interviews.
ALTER TABLE "group_interviews" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "interview_panellists" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "interview_candidates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "interview_scores" FORCE ROW LEVEL SECURITY;
