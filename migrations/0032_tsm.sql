CREATE TABLE "tsm_approaches" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"sample_method" text DEFAULT '' NOT NULL,
	"representativeness" text DEFAULT '' NOT NULL,
	"weighting_characteristics" text DEFAULT '' NOT NULL,
	"contractor" text DEFAULT '' NOT NULL,
	"excluded_households" integer,
	"exclusion_reason" text DEFAULT '' NOT NULL,
	"shortfall_reason" text DEFAULT '' NOT NULL,
	"incentives" text DEFAULT '' NOT NULL,
	"other_issues" text DEFAULT '' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"saved" boolean DEFAULT false NOT NULL,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tsm_approaches_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "tsm_approaches" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tsm_responses" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"respondent_ref" text NOT NULL,
	"year" integer NOT NULL,
	"tenure" text NOT NULL,
	"collected_on" date NOT NULL,
	"method" text NOT NULL,
	"repair_12m" boolean,
	"complaint_12m" boolean,
	"communal_areas" boolean,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"weight" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tsm_responses_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "tsm_responses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tsm_approaches" ADD CONSTRAINT "tsm_approaches_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tsm_responses" ADD CONSTRAINT "tsm_responses_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tsm_approaches_year_idx" ON "tsm_approaches" USING btree ("organisation_id","year");--> statement-breakpoint
CREATE UNIQUE INDEX "tsm_responses_year_ref_idx" ON "tsm_responses" USING btree ("organisation_id","year","respondent_ref");--> statement-breakpoint
CREATE POLICY "tsm_approaches_tenant_isolation" ON "tsm_approaches" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "tsm_responses_tenant_isolation" ON "tsm_responses" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());