CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "consents" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"status" text NOT NULL,
	"wording_version" text NOT NULL,
	"method" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "erasure_suppressions" (
	"organisation_id" uuid NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erasure_suppressions_organisation_id_fingerprint_pk" PRIMARY KEY("organisation_id","fingerprint")
);
--> statement-breakpoint
ALTER TABLE "erasure_suppressions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "imports" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"filename" text NOT NULL,
	"file" "bytea",
	"status" text NOT NULL,
	"skip_invalid" boolean DEFAULT false NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"counts" jsonb,
	"problems" jsonb,
	"problem_count" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "imports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "partner_organisations" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"represents" text,
	"email" text,
	"phone" text,
	"website" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "partner_organisations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "person_aliases" (
	"organisation_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"person_id" uuid NOT NULL,
	CONSTRAINT "person_aliases_organisation_id_reference_pk" PRIMARY KEY("organisation_id","reference")
);
--> statement-breakpoint
ALTER TABLE "person_aliases" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "person_equality" (
	"organisation_id" uuid NOT NULL,
	"person_id" uuid PRIMARY KEY NOT NULL,
	"sex" text,
	"gender_identity" text,
	"ethnicity" text,
	"disability" text,
	"religion" text,
	"sexual_orientation" text,
	"caring" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "person_equality" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "person_roles" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"role" text NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date
);
--> statement-breakpoint
ALTER TABLE "person_roles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "person_training" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"module" text NOT NULL,
	"completed_on" date NOT NULL,
	"expires_on" date
);
--> statement-breakpoint
ALTER TABLE "person_training" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "possible_duplicates" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"other_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "possible_duplicates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "register_options" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"list" text NOT NULL,
	"code" text NOT NULL,
	"label" text NOT NULL,
	"label_cy" text,
	"sort_order" integer DEFAULT 100 NOT NULL,
	"retired" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "register_options" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rights_requests" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid,
	"kind" text NOT NULL,
	"received_on" date NOT NULL,
	"due_on" date NOT NULL,
	"extended_to" date,
	"completed_on" date,
	"status" text DEFAULT 'open' NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rights_requests" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "saved_lists" (
	"organisation_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"owner_user_id" uuid,
	"shared" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "saved_lists" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "people" ALTER COLUMN "last_name" SET DEFAULT '';--> statement-breakpoint
ALTER TABLE "people" ALTER COLUMN "kinds" SET DEFAULT '{}'::text[];--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "preferred_name" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "address_line_1" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "address_line_2" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "town" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "postcode" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "area" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "date_of_birth" date;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "preferred_channels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "best_times" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "do_not_contact" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "supporter_id" uuid;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "supporter_relationship" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "contact_via_supporter" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "buddy_id" uuid;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "partner_organisation_id" uuid;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "needs" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "needs_note" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "skills" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "interests" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "availability" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "availability_note" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "consents" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "notes" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "last_involved_on" date;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "retention_reviewed_on" date;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "source" text DEFAULT 'staff' NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "search_name" text GENERATED ALWAYS AS (lower(coalesce(preferred_name, '') || ' ' || first_name || ' ' || last_name)) STORED;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "phone_digits" text GENERATED ALWAYS AS (regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')) STORED;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasure_suppressions" ADD CONSTRAINT "erasure_suppressions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_organisations" ADD CONSTRAINT "partner_organisations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_aliases" ADD CONSTRAINT "person_aliases_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_aliases" ADD CONSTRAINT "person_aliases_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_equality" ADD CONSTRAINT "person_equality_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_equality" ADD CONSTRAINT "person_equality_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_roles" ADD CONSTRAINT "person_roles_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_roles" ADD CONSTRAINT "person_roles_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_training" ADD CONSTRAINT "person_training_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_training" ADD CONSTRAINT "person_training_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "possible_duplicates" ADD CONSTRAINT "possible_duplicates_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "possible_duplicates" ADD CONSTRAINT "possible_duplicates_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "possible_duplicates" ADD CONSTRAINT "possible_duplicates_other_id_people_id_fk" FOREIGN KEY ("other_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_options" ADD CONSTRAINT "register_options_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_requests" ADD CONSTRAINT "rights_requests_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_requests" ADD CONSTRAINT "rights_requests_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_lists" ADD CONSTRAINT "saved_lists_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consents_person_idx" ON "consents" USING btree ("person_id","purpose","recorded_at");--> statement-breakpoint
CREATE INDEX "person_aliases_person_idx" ON "person_aliases" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_roles_person_idx" ON "person_roles" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_roles_role_idx" ON "person_roles" USING btree ("organisation_id","role");--> statement-breakpoint
CREATE INDEX "person_training_person_idx" ON "person_training" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_training_module_idx" ON "person_training" USING btree ("organisation_id","module");--> statement-breakpoint
CREATE UNIQUE INDEX "possible_duplicates_pair_idx" ON "possible_duplicates" USING btree ("organisation_id","person_id","other_id");--> statement-breakpoint
CREATE INDEX "possible_duplicates_other_idx" ON "possible_duplicates" USING btree ("other_id");--> statement-breakpoint
CREATE UNIQUE INDEX "register_options_code_idx" ON "register_options" USING btree ("organisation_id","list","code");--> statement-breakpoint
CREATE INDEX "rights_requests_person_idx" ON "rights_requests" USING btree ("person_id");--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_supporter_id_people_id_fk" FOREIGN KEY ("supporter_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_buddy_id_people_id_fk" FOREIGN KEY ("buddy_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_partner_organisation_id_partner_organisations_id_fk" FOREIGN KEY ("partner_organisation_id") REFERENCES "public"."partner_organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "people_search_name_trgm_idx" ON "people" USING gin ("search_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "people_email_idx" ON "people" USING btree ("organisation_id",lower("email"));--> statement-breakpoint
CREATE INDEX "people_phone_idx" ON "people" USING btree ("organisation_id","phone_digits");--> statement-breakpoint
CREATE INDEX "people_postcode_idx" ON "people" USING btree ("organisation_id","postcode");--> statement-breakpoint
CREATE INDEX "people_name_idx" ON "people" USING btree ("organisation_id","last_name","first_name");--> statement-breakpoint
CREATE INDEX "people_needs_idx" ON "people" USING gin ("needs");--> statement-breakpoint
CREATE POLICY "consents_tenant_isolation" ON "consents" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "erasure_suppressions_tenant_isolation" ON "erasure_suppressions" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "imports_tenant_isolation" ON "imports" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "partner_organisations_tenant_isolation" ON "partner_organisations" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "person_aliases_tenant_isolation" ON "person_aliases" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "person_equality_tenant_isolation" ON "person_equality" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "person_roles_tenant_isolation" ON "person_roles" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "person_training_tenant_isolation" ON "person_training" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "possible_duplicates_tenant_isolation" ON "possible_duplicates" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "register_options_tenant_isolation" ON "register_options" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "rights_requests_tenant_isolation" ON "rights_requests" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "saved_lists_tenant_isolation" ON "saved_lists" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());