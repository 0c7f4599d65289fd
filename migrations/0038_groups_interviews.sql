CREATE TABLE "group_interviews" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"seat_id" uuid NOT NULL,
	"title" text NOT NULL,
	"held_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"decision_note" text,
	"decided_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_interviews_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "group_interviews" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "interview_candidates" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"interview_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"outcome" text DEFAULT 'waiting' NOT NULL,
	CONSTRAINT "interview_candidates_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "interview_candidates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "interview_panellists" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"interview_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "interview_panellists_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "interview_panellists" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "interview_scores" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"panellist_id" uuid NOT NULL,
	"score" integer NOT NULL,
	"note" text,
	CONSTRAINT "interview_scores_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "interview_scores" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "group_interviews" ADD CONSTRAINT "group_interviews_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_interviews" ADD CONSTRAINT "group_interviews_group_id_groups_id_fk" FOREIGN KEY ("organisation_id","group_id") REFERENCES "public"."groups"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_interviews" ADD CONSTRAINT "group_interviews_seat_id_group_seats_id_fk" FOREIGN KEY ("organisation_id","seat_id") REFERENCES "public"."group_seats"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_candidates" ADD CONSTRAINT "interview_candidates_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_candidates" ADD CONSTRAINT "interview_candidates_interview_id_group_interviews_id_fk" FOREIGN KEY ("organisation_id","interview_id") REFERENCES "public"."group_interviews"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_candidates" ADD CONSTRAINT "interview_candidates_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_panellists" ADD CONSTRAINT "interview_panellists_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_panellists" ADD CONSTRAINT "interview_panellists_interview_id_group_interviews_id_fk" FOREIGN KEY ("organisation_id","interview_id") REFERENCES "public"."group_interviews"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_panellists" ADD CONSTRAINT "interview_panellists_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_scores" ADD CONSTRAINT "interview_scores_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_scores" ADD CONSTRAINT "interview_scores_candidate_id_interview_candidates_id_fk" FOREIGN KEY ("organisation_id","candidate_id") REFERENCES "public"."interview_candidates"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_scores" ADD CONSTRAINT "interview_scores_panellist_id_interview_panellists_id_fk" FOREIGN KEY ("organisation_id","panellist_id") REFERENCES "public"."interview_panellists"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "group_interviews_group_idx" ON "group_interviews" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "interview_candidates_person_idx" ON "interview_candidates" USING btree ("organisation_id","interview_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "interview_panellists_person_idx" ON "interview_panellists" USING btree ("organisation_id","interview_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "interview_scores_pair_idx" ON "interview_scores" USING btree ("organisation_id","candidate_id","panellist_id");--> statement-breakpoint
CREATE POLICY "group_interviews_tenant_isolation" ON "group_interviews" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "interview_candidates_tenant_isolation" ON "interview_candidates" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "interview_panellists_tenant_isolation" ON "interview_panellists" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "interview_scores_tenant_isolation" ON "interview_scores" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());