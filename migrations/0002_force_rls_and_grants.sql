-- Row-level security applies to the tables' owner too, so that no path but the
-- named system ones (docs/architecture.md) can read across organisations.
ALTER TABLE "organisations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "organisation_hosts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "services" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "people" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "person_services" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- The application role (created at start-up, before migrating) reads and writes
-- rows; it owns nothing and cannot change the schema. Tables that later
-- migrations create get the same grants by default; a table that must be
-- append-only (the audit trail) revokes what it must in its own migration.
GRANT USAGE ON SCHEMA public TO coproduce_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO coproduce_app;--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO coproduce_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO coproduce_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO coproduce_app;
