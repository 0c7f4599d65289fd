CREATE TABLE "record_links" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"from_kind" text NOT NULL,
	"from_id" uuid NOT NULL,
	"name" text NOT NULL,
	"to_kind" text NOT NULL,
	"to_id" uuid NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "record_links_pkey" PRIMARY KEY("id","organisation_id"),
	CONSTRAINT "record_links_unique" UNIQUE("organisation_id","from_kind","from_id","name","to_kind","to_id")
);
--> statement-breakpoint
ALTER TABLE "record_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "record_links" ADD CONSTRAINT "record_links_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_links_to_idx" ON "record_links" USING btree ("organisation_id","to_kind","to_id");--> statement-breakpoint
CREATE POLICY "record_links_tenant_isolation" ON "record_links" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
-- Written by hand below this line (issue 9 §2 and §8).
ALTER TABLE "record_links" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- A record's links go with it: each linkable table (a kind declared in a
-- manifest) gets an AFTER DELETE trigger naming its kind, cascades included.
CREATE FUNCTION remove_record_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM record_links
  WHERE organisation_id = OLD.organisation_id
    AND ((from_kind = TG_ARGV[0] AND from_id = OLD.id) OR (to_kind = TG_ARGV[0] AND to_id = OLD.id));
  RETURN OLD;
END $$;--> statement-breakpoint
CREATE TRIGGER people_remove_links AFTER DELETE ON people FOR EACH ROW EXECUTE FUNCTION remove_record_links('people.person');--> statement-breakpoint
CREATE TRIGGER services_remove_links AFTER DELETE ON services FOR EACH ROW EXECUTE FUNCTION remove_record_links('people.service');--> statement-breakpoint
CREATE TRIGGER initiatives_remove_links AFTER DELETE ON initiatives FOR EACH ROW EXECUTE FUNCTION remove_record_links('initiatives.initiative');--> statement-breakpoint
CREATE TRIGGER opportunities_remove_links AFTER DELETE ON opportunities FOR EACH ROW EXECUTE FUNCTION remove_record_links('participation.opportunity');--> statement-breakpoint
CREATE TRIGGER activities_remove_links AFTER DELETE ON activities FOR EACH ROW EXECUTE FUNCTION remove_record_links('participation.activity');--> statement-breakpoint
-- Read-only views through which another module reads the register and the
-- initiatives (issue 9 §8): the owning module's published columns, under the
-- reader's row-level security (security_invoker, PostgreSQL 15+). Simple views
-- are updatable by default, so the application role may only read them.
CREATE VIEW register_people WITH (security_invoker = true) AS
  SELECT organisation_id, id, reference, first_name, last_name, preferred_name, email, phone,
    address_line_1, address_line_2, town, postcode, area, language, preferred_channels,
    contact_via_supporter, do_not_contact, consents, needs, needs_note, interests, skills,
    availability, last_involved_on, erased_at
  FROM people;--> statement-breakpoint
CREATE VIEW register_person_services WITH (security_invoker = true) AS
  SELECT ps.organisation_id, ps.person_id, ps.service_id, s.name AS service_name, s.specialism,
    s.area AS service_area, ps.started_on, ps.ended_on
  FROM person_services ps
  JOIN services s ON s.organisation_id = ps.organisation_id AND s.id = ps.service_id;--> statement-breakpoint
CREATE VIEW register_person_roles WITH (security_invoker = true) AS
  SELECT organisation_id, person_id, role, started_on, ended_on FROM person_roles;--> statement-breakpoint
CREATE VIEW register_person_aliases WITH (security_invoker = true) AS
  SELECT organisation_id, person_id, reference FROM person_aliases;--> statement-breakpoint
CREATE VIEW register_open_duplicates WITH (security_invoker = true) AS
  SELECT organisation_id, person_id, other_id, reason, created_at
  FROM possible_duplicates WHERE status = 'open';--> statement-breakpoint
CREATE VIEW initiative_summaries WITH (security_invoker = true) AS
  SELECT organisation_id, id, kind, title, summary, rung, status, can_change, fixed, decider,
    feedback, audience_services, audience_specialisms, audience_areas, audience_roles,
    starts_on, ends_on, published_at, created_at, updated_at
  FROM initiatives;--> statement-breakpoint
CREATE VIEW ladder_rung_names WITH (security_invoker = true) AS
  SELECT organisation_id, rung, name, name_cy FROM ladder_rungs;--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE ON register_people, register_person_services, register_person_roles,
  register_person_aliases, register_open_duplicates, initiative_summaries, ladder_rung_names
  FROM coproduce_app;--> statement-breakpoint
GRANT SELECT ON register_people, register_person_services, register_person_roles,
  register_person_aliases, register_open_duplicates, initiative_summaries, ladder_rung_names
  TO coproduce_app;
