CREATE TABLE "initiatives" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"rung" integer NOT NULL,
	"rung_evidence" text,
	"can_change" text,
	"fixed" text,
	"decider" text,
	"feedback" text,
	"audience_services" text[] DEFAULT '{}'::text[] NOT NULL,
	"audience_specialisms" text[] DEFAULT '{}'::text[] NOT NULL,
	"audience_areas" text[] DEFAULT '{}'::text[] NOT NULL,
	"audience_roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"owner_user_id" uuid,
	"owner_name" text,
	"starts_on" date,
	"ends_on" date,
	"status" text DEFAULT 'draft' NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "initiatives" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ladder_rungs" (
	"organisation_id" uuid NOT NULL,
	"rung" integer NOT NULL,
	"name" text NOT NULL,
	"name_cy" text,
	"description" text NOT NULL,
	"description_cy" text,
	CONSTRAINT "ladder_rungs_organisation_id_rung_pk" PRIMARY KEY("organisation_id","rung")
);
--> statement-breakpoint
ALTER TABLE "ladder_rungs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "activities" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"initiative_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"location" text,
	"online_link" text,
	"capacity" integer,
	"status" text DEFAULT 'planned' NOT NULL,
	"reminders_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "attendance" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"activity_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"status" text NOT NULL,
	"role" text,
	"hours" numeric(6, 2) DEFAULT 0 NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attendance" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "expense_claims" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"activity_id" uuid,
	"kind" text NOT NULL,
	"amount_pence" integer NOT NULL,
	"description" text,
	"receipt" "bytea",
	"receipt_type" text,
	"receipt_name" text,
	"status" text DEFAULT 'submitted' NOT NULL,
	"incurred_on" date NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"paid_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "expense_claims" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invitations" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"activity_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"rsvp" text,
	"responded_at" timestamp with time zone,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reminded_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "opportunities" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"initiative_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"time_asked" text,
	"when_where" text,
	"online" boolean DEFAULT false NOT NULL,
	"access_provisions" text[] DEFAULT '{}'::text[] NOT NULL,
	"reward_offered" text,
	"expenses_offered" boolean DEFAULT true NOT NULL,
	"who_can_apply" text,
	"closes_on" date,
	"interests" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "opportunities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "reward_budgets" (
	"organisation_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"amount_pence" integer NOT NULL,
	CONSTRAINT "reward_budgets_organisation_id_year_pk" PRIMARY KEY("organisation_id","year")
);
--> statement-breakpoint
ALTER TABLE "reward_budgets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rewards" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"activity_id" uuid,
	"amount_pence" integer NOT NULL,
	"choice" text DEFAULT 'voucher' NOT NULL,
	"status" text DEFAULT 'due' NOT NULL,
	"earned_on" date NOT NULL,
	"paid_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rewards" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sign_ups" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"person_id" uuid,
	"take_part" text,
	"status" text DEFAULT 'new' NOT NULL,
	"message" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sign_ups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "attachments" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "initiatives" ADD CONSTRAINT "initiatives_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ladder_rungs" ADD CONSTRAINT "ladder_rungs_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_initiative_id_initiatives_id_fk" FOREIGN KEY ("initiative_id") REFERENCES "public"."initiatives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_activity_id_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expense_claims" ADD CONSTRAINT "expense_claims_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expense_claims" ADD CONSTRAINT "expense_claims_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expense_claims" ADD CONSTRAINT "expense_claims_activity_id_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_activity_id_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_initiative_id_initiatives_id_fk" FOREIGN KEY ("initiative_id") REFERENCES "public"."initiatives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_budgets" ADD CONSTRAINT "reward_budgets_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_activity_id_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD CONSTRAINT "sign_ups_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD CONSTRAINT "sign_ups_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD CONSTRAINT "sign_ups_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "initiatives_status_idx" ON "initiatives" USING btree ("organisation_id","status");--> statement-breakpoint
CREATE INDEX "activities_starts_idx" ON "activities" USING btree ("organisation_id","starts_at");--> statement-breakpoint
CREATE INDEX "activities_initiative_idx" ON "activities" USING btree ("initiative_id");--> statement-breakpoint
CREATE UNIQUE INDEX "attendance_person_idx" ON "attendance" USING btree ("activity_id","person_id");--> statement-breakpoint
CREATE INDEX "attendance_by_person_idx" ON "attendance" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "expense_claims_person_idx" ON "expense_claims" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_person_idx" ON "invitations" USING btree ("activity_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_idx" ON "invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "invitations_recent_idx" ON "invitations" USING btree ("person_id","invited_at");--> statement-breakpoint
CREATE INDEX "opportunities_status_idx" ON "opportunities" USING btree ("organisation_id","status","closes_on");--> statement-breakpoint
CREATE INDEX "opportunities_initiative_idx" ON "opportunities" USING btree ("initiative_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_activity_person_idx" ON "rewards" USING btree ("activity_id","person_id");--> statement-breakpoint
CREATE INDEX "rewards_person_idx" ON "rewards" USING btree ("person_id","earned_on");--> statement-breakpoint
CREATE INDEX "sign_ups_opportunity_idx" ON "sign_ups" USING btree ("opportunity_id");--> statement-breakpoint
CREATE INDEX "sign_ups_person_idx" ON "sign_ups" USING btree ("person_id");--> statement-breakpoint
CREATE POLICY "initiatives_tenant_isolation" ON "initiatives" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "ladder_rungs_tenant_isolation" ON "ladder_rungs" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "activities_tenant_isolation" ON "activities" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "attendance_tenant_isolation" ON "attendance" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "expense_claims_tenant_isolation" ON "expense_claims" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "invitations_tenant_isolation" ON "invitations" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "opportunities_tenant_isolation" ON "opportunities" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "reward_budgets_tenant_isolation" ON "reward_budgets" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "rewards_tenant_isolation" ON "rewards" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "sign_ups_tenant_isolation" ON "sign_ups" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());