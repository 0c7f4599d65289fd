CREATE TABLE "election_ballots" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"election_id" uuid NOT NULL,
	"choices" text[] DEFAULT '{}'::text[] NOT NULL,
	CONSTRAINT "election_ballots_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "election_ballots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "election_candidates" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"election_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"statement" text NOT NULL,
	"statement_easy_read" text NOT NULL,
	CONSTRAINT "election_candidates_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "election_candidates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "election_electors" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"election_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"token_hash" text,
	"voted" boolean DEFAULT false NOT NULL,
	"voted_by" text,
	CONSTRAINT "election_electors_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "election_electors" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_action_updates" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"meeting_id" uuid,
	"note" text NOT NULL,
	"status" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_action_updates_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_action_updates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_actions" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"what" text NOT NULL,
	"owner" text NOT NULL,
	"due_on" date,
	"status" text DEFAULT 'open' NOT NULL,
	"done_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_actions_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_actions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_agenda_items" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"title" text NOT NULL,
	"detail" text,
	"proposed_by_person_id" uuid,
	"proposed_by_label" text NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"response" text,
	"decided_by" text,
	"position" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_agenda_items_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_agenda_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_decisions" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"what" text NOT NULL,
	"why" text NOT NULL,
	"easy_read" text,
	"decided_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_decisions_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_decisions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_draws" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"seat_id" uuid NOT NULL,
	"size" integer NOT NULL,
	"dimension" text NOT NULL,
	"quotas" jsonb NOT NULL,
	"seed" text NOT NULL,
	"pool" jsonb NOT NULL,
	"drawn" jsonb NOT NULL,
	"drawn_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_draws_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_draws" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_elections" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"seat_id" uuid NOT NULL,
	"title" text NOT NULL,
	"places" integer NOT NULL,
	"eligible_service_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"eligible_service_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"eligible_specialisms" text[] DEFAULT '{}'::text[] NOT NULL,
	"tie_rule" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"closes_on" date,
	"result" jsonb,
	"lot_seed" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_elections_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_elections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_meetings" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"agenda_deadline" date NOT NULL,
	"papers_due_on" date NOT NULL,
	"papers_sent_at" timestamp with time zone,
	"papers_late_noted_at" timestamp with time zone,
	"minutes" text,
	"minutes_easy_read" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_meetings_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_meetings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_members" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"seat_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"term_ends_on" date,
	"ended_on" date,
	"filled_by" text NOT NULL,
	"buddy_person_id" uuid,
	"named_publicly" boolean DEFAULT false NOT NULL,
	"person_role_id" uuid,
	"interview_activity_id" uuid,
	"term_reminded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_members_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_papers" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"easy_read" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_papers_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_papers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_seats" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"label" text NOT NULL,
	"holder" text NOT NULL,
	"places" integer,
	"fill_by" text NOT NULL,
	"service_type" text,
	"specialism" text,
	"term_months" integer,
	"chairs" boolean DEFAULT false NOT NULL,
	"role_code" text,
	"sort_order" integer DEFAULT 100 NOT NULL,
	CONSTRAINT "group_seats_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_seats" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "group_terms" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"objectives" text NOT NULL,
	"functions" text NOT NULL,
	"scrutiny_areas" text[] DEFAULT '{}'::text[] NOT NULL,
	"frequency" text NOT NULL,
	"reports_to" text NOT NULL,
	"reports_through" text,
	"decides" text NOT NULL,
	"decides_how" text NOT NULL,
	"easy_read" text,
	"adopted_on" date NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_terms_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "groups" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"initiative_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"kind" text NOT NULL,
	"role_code" text DEFAULT 'panel_member' NOT NULL,
	"papers_days_before" integer DEFAULT 7 NOT NULL,
	"agenda_days_before" integer DEFAULT 14 NOT NULL,
	"term_reminder_days" integer DEFAULT 60 NOT NULL,
	"tie_rule" text DEFAULT 'lot' NOT NULL,
	"clerk_email" text,
	"cover_service_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"cover_specialisms" text[] DEFAULT '{}'::text[] NOT NULL,
	"cover_areas" text[] DEFAULT '{}'::text[] NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "groups_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "groups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "election_ballots" ADD CONSTRAINT "election_ballots_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_ballots" ADD CONSTRAINT "election_ballots_election_id_group_elections_id_fk" FOREIGN KEY ("organisation_id","election_id") REFERENCES "public"."group_elections"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_candidates" ADD CONSTRAINT "election_candidates_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_candidates" ADD CONSTRAINT "election_candidates_election_id_group_elections_id_fk" FOREIGN KEY ("organisation_id","election_id") REFERENCES "public"."group_elections"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_candidates" ADD CONSTRAINT "election_candidates_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_electors" ADD CONSTRAINT "election_electors_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_electors" ADD CONSTRAINT "election_electors_election_id_group_elections_id_fk" FOREIGN KEY ("organisation_id","election_id") REFERENCES "public"."group_elections"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_electors" ADD CONSTRAINT "election_electors_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_action_updates" ADD CONSTRAINT "group_action_updates_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_action_updates" ADD CONSTRAINT "group_action_updates_action_id_group_actions_id_fk" FOREIGN KEY ("organisation_id","action_id") REFERENCES "public"."group_actions"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_action_updates" ADD CONSTRAINT "group_action_updates_meeting_id_group_meetings_id_fk" FOREIGN KEY ("organisation_id","meeting_id") REFERENCES "public"."group_meetings"("organisation_id","id") ON DELETE SET NULL ("meeting_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_actions" ADD CONSTRAINT "group_actions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_actions" ADD CONSTRAINT "group_actions_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_actions" ADD CONSTRAINT "group_actions_meeting_id_group_meetings_id_fk" FOREIGN KEY ("organisation_id","meeting_id") REFERENCES "public"."group_meetings"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_agenda_items" ADD CONSTRAINT "group_agenda_items_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_agenda_items" ADD CONSTRAINT "group_agenda_items_meeting_id_group_meetings_id_fk" FOREIGN KEY ("organisation_id","meeting_id") REFERENCES "public"."group_meetings"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_agenda_items" ADD CONSTRAINT "group_agenda_items_proposed_by_person_id_people_id_fk" FOREIGN KEY ("organisation_id","proposed_by_person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("proposed_by_person_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_decisions" ADD CONSTRAINT "group_decisions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_decisions" ADD CONSTRAINT "group_decisions_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_decisions" ADD CONSTRAINT "group_decisions_meeting_id_group_meetings_id_fk" FOREIGN KEY ("organisation_id","meeting_id") REFERENCES "public"."group_meetings"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_draws" ADD CONSTRAINT "group_draws_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_draws" ADD CONSTRAINT "group_draws_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_draws" ADD CONSTRAINT "group_draws_seat_id_group_seats_id_fk" FOREIGN KEY ("organisation_id","seat_id") REFERENCES "public"."group_seats"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_elections" ADD CONSTRAINT "group_elections_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_elections" ADD CONSTRAINT "group_elections_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_elections" ADD CONSTRAINT "group_elections_seat_id_group_seats_id_fk" FOREIGN KEY ("organisation_id","seat_id") REFERENCES "public"."group_seats"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_meetings" ADD CONSTRAINT "group_meetings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_meetings" ADD CONSTRAINT "group_meetings_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_meetings" ADD CONSTRAINT "group_meetings_activity_id_activities_id_fk" FOREIGN KEY ("organisation_id","activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_seat_id_group_seats_id_fk" FOREIGN KEY ("organisation_id","seat_id") REFERENCES "public"."group_seats"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_buddy_person_id_people_id_fk" FOREIGN KEY ("organisation_id","buddy_person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("buddy_person_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_person_role_id_person_roles_id_fk" FOREIGN KEY ("organisation_id","person_role_id") REFERENCES "public"."person_roles"("organisation_id","id") ON DELETE SET NULL ("person_role_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_interview_activity_id_activities_id_fk" FOREIGN KEY ("organisation_id","interview_activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE SET NULL ("interview_activity_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_papers" ADD CONSTRAINT "group_papers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_papers" ADD CONSTRAINT "group_papers_meeting_id_group_meetings_id_fk" FOREIGN KEY ("organisation_id","meeting_id") REFERENCES "public"."group_meetings"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_seats" ADD CONSTRAINT "group_seats_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_seats" ADD CONSTRAINT "group_seats_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_terms" ADD CONSTRAINT "group_terms_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_terms" ADD CONSTRAINT "group_terms_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_initiative_id_initiatives_id_fk" FOREIGN KEY ("organisation_id","initiative_id") REFERENCES "public"."initiatives"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "election_ballots_election_idx" ON "election_ballots" USING btree ("election_id");--> statement-breakpoint
CREATE UNIQUE INDEX "election_candidates_person_idx" ON "election_candidates" USING btree ("organisation_id","election_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "election_electors_person_idx" ON "election_electors" USING btree ("organisation_id","election_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "election_electors_token_idx" ON "election_electors" USING btree ("organisation_id","token_hash");--> statement-breakpoint
CREATE INDEX "group_action_updates_action_idx" ON "group_action_updates" USING btree ("action_id");--> statement-breakpoint
CREATE INDEX "group_actions_group_idx" ON "group_actions" USING btree ("group_id","status");--> statement-breakpoint
CREATE INDEX "group_agenda_items_meeting_idx" ON "group_agenda_items" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "group_decisions_group_idx" ON "group_decisions" USING btree ("group_id","decided_on");--> statement-breakpoint
CREATE INDEX "group_elections_group_idx" ON "group_elections" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_meetings_activity_idx" ON "group_meetings" USING btree ("organisation_id","activity_id");--> statement-breakpoint
CREATE INDEX "group_meetings_group_idx" ON "group_meetings" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "group_members_group_idx" ON "group_members" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "group_members_person_idx" ON "group_members" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "group_members_term_idx" ON "group_members" USING btree ("organisation_id","term_ends_on");--> statement-breakpoint
CREATE INDEX "group_papers_meeting_idx" ON "group_papers" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "group_seats_group_idx" ON "group_seats" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_terms_version_idx" ON "group_terms" USING btree ("organisation_id","group_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_slug_idx" ON "groups" USING btree ("organisation_id","slug");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_initiative_idx" ON "groups" USING btree ("organisation_id","initiative_id");--> statement-breakpoint
CREATE POLICY "election_ballots_tenant_isolation" ON "election_ballots" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "election_candidates_tenant_isolation" ON "election_candidates" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "election_electors_tenant_isolation" ON "election_electors" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_action_updates_tenant_isolation" ON "group_action_updates" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_actions_tenant_isolation" ON "group_actions" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_agenda_items_tenant_isolation" ON "group_agenda_items" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_decisions_tenant_isolation" ON "group_decisions" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_draws_tenant_isolation" ON "group_draws" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_elections_tenant_isolation" ON "group_elections" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_meetings_tenant_isolation" ON "group_meetings" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_members_tenant_isolation" ON "group_members" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_papers_tenant_isolation" ON "group_papers" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_seats_tenant_isolation" ON "group_seats" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "group_terms_tenant_isolation" ON "group_terms" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "groups_tenant_isolation" ON "groups" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());