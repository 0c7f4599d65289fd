-- Row-level security holds for the owner too on every table of the spine.
ALTER TABLE "ladder_rungs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "initiatives" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "opportunities" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sign_ups" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "activities" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invitations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "attendance" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "rewards" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "expense_claims" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "reward_budgets" FORCE ROW LEVEL SECURITY;
