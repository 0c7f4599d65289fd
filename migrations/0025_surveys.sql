CREATE TABLE "survey_answers" (
	"organisation_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"question_code" text NOT NULL,
	"choice" text,
	"choices" text[] DEFAULT '{}'::text[] NOT NULL,
	"number" double precision,
	"body" text,
	"sentiment" text,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"recoded_by" text,
	CONSTRAINT "survey_answers_pkey" PRIMARY KEY("response_id","question_code","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "survey_answers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "survey_collaborators" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"right" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_collaborators_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "survey_collaborators" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "survey_comments" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"question_code" text,
	"author_user_id" uuid,
	"author_name" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_comments_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "survey_comments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "survey_invitations" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"person_id" uuid,
	"token_hash" text,
	"reminder_token_hash" text,
	"status" text DEFAULT 'sent' NOT NULL,
	"reason" text,
	"source_event" text,
	"source_kind" text,
	"source_id" text,
	"sent_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_invitations_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "survey_invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "survey_kiosks" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"label" text NOT NULL,
	"service_id" uuid,
	"specialism" text,
	"area" text,
	"token_hash" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_kiosks_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "survey_kiosks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "survey_responses" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"person_id" uuid,
	"invitation_id" uuid,
	"kiosk_id" uuid,
	"method" text NOT NULL,
	"status" text DEFAULT 'partial' NOT NULL,
	"token_hash" text NOT NULL,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"service_id" uuid,
	"specialism" text,
	"area" text,
	"tenure" text,
	"may_quote" boolean DEFAULT false NOT NULL,
	"hear_back" boolean DEFAULT false NOT NULL,
	"entered_by" text,
	"collected_on" date,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "survey_responses_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "survey_responses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "survey_versions" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"published_by" text,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_versions_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "survey_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "surveys" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text DEFAULT 'survey' NOT NULL,
	"title" text NOT NULL,
	"title_cy" text,
	"template" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"anonymous" boolean DEFAULT false NOT NULL,
	"draft" jsonb NOT NULL,
	"current_version" integer,
	"draft_changed" boolean DEFAULT true NOT NULL,
	"series_id" uuid,
	"wave" text,
	"trigger_event" text,
	"reminder_days" integer DEFAULT 7 NOT NULL,
	"results_public" boolean DEFAULT true NOT NULL,
	"closes_on" date,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surveys_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "surveys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_answers" ADD CONSTRAINT "survey_answers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answers" ADD CONSTRAINT "survey_answers_response_id_survey_responses_id_fk" FOREIGN KEY ("organisation_id","response_id") REFERENCES "public"."survey_responses"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_collaborators" ADD CONSTRAINT "survey_collaborators_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_collaborators" ADD CONSTRAINT "survey_collaborators_survey_id_surveys_id_fk" FOREIGN KEY ("organisation_id","survey_id") REFERENCES "public"."surveys"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_comments" ADD CONSTRAINT "survey_comments_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_comments" ADD CONSTRAINT "survey_comments_survey_id_surveys_id_fk" FOREIGN KEY ("organisation_id","survey_id") REFERENCES "public"."surveys"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_survey_id_surveys_id_fk" FOREIGN KEY ("organisation_id","survey_id") REFERENCES "public"."surveys"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_kiosks" ADD CONSTRAINT "survey_kiosks_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_kiosks" ADD CONSTRAINT "survey_kiosks_survey_id_surveys_id_fk" FOREIGN KEY ("organisation_id","survey_id") REFERENCES "public"."surveys"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_survey_id_surveys_id_fk" FOREIGN KEY ("organisation_id","survey_id") REFERENCES "public"."surveys"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_version_id_survey_versions_id_fk" FOREIGN KEY ("organisation_id","version_id") REFERENCES "public"."survey_versions"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_versions" ADD CONSTRAINT "survey_versions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_versions" ADD CONSTRAINT "survey_versions_survey_id_surveys_id_fk" FOREIGN KEY ("organisation_id","survey_id") REFERENCES "public"."surveys"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_answers_question_idx" ON "survey_answers" USING btree ("organisation_id","survey_id","question_code","choice");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_collaborators_user_idx" ON "survey_collaborators" USING btree ("organisation_id","survey_id","user_id");--> statement-breakpoint
CREATE INDEX "survey_collaborators_by_user_idx" ON "survey_collaborators" USING btree ("organisation_id","user_id");--> statement-breakpoint
CREATE INDEX "survey_comments_survey_idx" ON "survey_comments" USING btree ("organisation_id","survey_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_token_idx" ON "survey_invitations" USING btree ("organisation_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_reminder_token_idx" ON "survey_invitations" USING btree ("organisation_id","reminder_token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_source_idx" ON "survey_invitations" USING btree ("organisation_id","survey_id","source_kind","source_id");--> statement-breakpoint
CREATE INDEX "survey_invitations_survey_idx" ON "survey_invitations" USING btree ("organisation_id","survey_id","status");--> statement-breakpoint
CREATE INDEX "survey_invitations_person_idx" ON "survey_invitations" USING btree ("organisation_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_kiosks_token_idx" ON "survey_kiosks" USING btree ("organisation_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_responses_token_idx" ON "survey_responses" USING btree ("organisation_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_responses_invitation_idx" ON "survey_responses" USING btree ("organisation_id","invitation_id");--> statement-breakpoint
CREATE INDEX "survey_responses_survey_idx" ON "survey_responses" USING btree ("organisation_id","survey_id","status");--> statement-breakpoint
CREATE INDEX "survey_responses_person_idx" ON "survey_responses" USING btree ("organisation_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_versions_number_idx" ON "survey_versions" USING btree ("organisation_id","survey_id","version");--> statement-breakpoint
CREATE INDEX "surveys_status_idx" ON "surveys" USING btree ("organisation_id","status");--> statement-breakpoint
CREATE INDEX "surveys_series_idx" ON "surveys" USING btree ("organisation_id","series_id");--> statement-breakpoint
CREATE INDEX "surveys_trigger_idx" ON "surveys" USING btree ("organisation_id","trigger_event");--> statement-breakpoint
CREATE POLICY "survey_answers_tenant_isolation" ON "survey_answers" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "survey_collaborators_tenant_isolation" ON "survey_collaborators" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "survey_comments_tenant_isolation" ON "survey_comments" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "survey_invitations_tenant_isolation" ON "survey_invitations" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "survey_kiosks_tenant_isolation" ON "survey_kiosks" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "survey_responses_tenant_isolation" ON "survey_responses" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "survey_versions_tenant_isolation" ON "survey_versions" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "surveys_tenant_isolation" ON "surveys" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());