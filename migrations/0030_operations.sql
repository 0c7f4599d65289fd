CREATE TABLE "asb_cases" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"opened_on" date NOT NULL,
	"hate_incident" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asb_cases_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "asb_cases" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "complaint_stages" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"stage" smallint NOT NULL,
	"received_on" date NOT NULL,
	"acknowledged_on" date,
	"responded_on" date,
	"extended_to" date,
	"feedback_offered_on" date,
	"panel_customer_reps" integer,
	"service_id" uuid,
	"person_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_stages_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "complaint_stages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "homes_counts" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"tenure" text NOT NULL,
	"homes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "homes_counts_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "homes_counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "quality_audits" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"service_id" uuid,
	"audit_type" text NOT NULL,
	"completed_on" date NOT NULL,
	"rating" text,
	"customer_quality_checkers" integer DEFAULT 0 NOT NULL,
	"strengths" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quality_audits_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "quality_audits" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "recruitments" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"title" text NOT NULL,
	"service_id" uuid,
	"opened_on" date NOT NULL,
	"closed_on" date,
	"involvement" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recruitments_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "recruitments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "repairs" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"service_id" uuid,
	"priority" text NOT NULL,
	"reported_on" date NOT NULL,
	"target_on" date NOT NULL,
	"completed_on" date,
	"feedback_requested_on" date,
	"person_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "repairs_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "repairs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "volunteer_obligations" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"service_id" uuid,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"required" integer NOT NULL,
	"delivered" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volunteer_obligations_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "volunteer_obligations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "asb_cases" ADD CONSTRAINT "asb_cases_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_stages" ADD CONSTRAINT "complaint_stages_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_stages" ADD CONSTRAINT "complaint_stages_service_id_services_id_fk" FOREIGN KEY ("organisation_id","service_id") REFERENCES "public"."services"("organisation_id","id") ON DELETE SET NULL ("service_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_stages" ADD CONSTRAINT "complaint_stages_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("person_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "homes_counts" ADD CONSTRAINT "homes_counts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_audits" ADD CONSTRAINT "quality_audits_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_audits" ADD CONSTRAINT "quality_audits_service_id_services_id_fk" FOREIGN KEY ("organisation_id","service_id") REFERENCES "public"."services"("organisation_id","id") ON DELETE SET NULL ("service_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recruitments" ADD CONSTRAINT "recruitments_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recruitments" ADD CONSTRAINT "recruitments_service_id_services_id_fk" FOREIGN KEY ("organisation_id","service_id") REFERENCES "public"."services"("organisation_id","id") ON DELETE SET NULL ("service_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repairs" ADD CONSTRAINT "repairs_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repairs" ADD CONSTRAINT "repairs_service_id_services_id_fk" FOREIGN KEY ("organisation_id","service_id") REFERENCES "public"."services"("organisation_id","id") ON DELETE SET NULL ("service_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repairs" ADD CONSTRAINT "repairs_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("person_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_obligations" ADD CONSTRAINT "volunteer_obligations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_obligations" ADD CONSTRAINT "volunteer_obligations_service_id_services_id_fk" FOREIGN KEY ("organisation_id","service_id") REFERENCES "public"."services"("organisation_id","id") ON DELETE SET NULL ("service_id") ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "asb_cases_reference_idx" ON "asb_cases" USING btree ("organisation_id","reference");--> statement-breakpoint
CREATE INDEX "asb_cases_opened_idx" ON "asb_cases" USING btree ("organisation_id","opened_on");--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_stages_reference_idx" ON "complaint_stages" USING btree ("organisation_id","reference","stage");--> statement-breakpoint
CREATE INDEX "complaint_stages_received_idx" ON "complaint_stages" USING btree ("organisation_id","stage","received_on");--> statement-breakpoint
CREATE INDEX "complaint_stages_responded_idx" ON "complaint_stages" USING btree ("organisation_id","stage","responded_on");--> statement-breakpoint
CREATE INDEX "complaint_stages_person_idx" ON "complaint_stages" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "homes_counts_year_tenure_idx" ON "homes_counts" USING btree ("organisation_id","year","tenure");--> statement-breakpoint
CREATE UNIQUE INDEX "quality_audits_reference_idx" ON "quality_audits" USING btree ("organisation_id","reference");--> statement-breakpoint
CREATE INDEX "quality_audits_completed_idx" ON "quality_audits" USING btree ("organisation_id","completed_on");--> statement-breakpoint
CREATE UNIQUE INDEX "recruitments_reference_idx" ON "recruitments" USING btree ("organisation_id","reference");--> statement-breakpoint
CREATE INDEX "recruitments_closed_idx" ON "recruitments" USING btree ("organisation_id","closed_on");--> statement-breakpoint
CREATE UNIQUE INDEX "repairs_reference_idx" ON "repairs" USING btree ("organisation_id","reference");--> statement-breakpoint
CREATE INDEX "repairs_completed_idx" ON "repairs" USING btree ("organisation_id","completed_on");--> statement-breakpoint
CREATE INDEX "repairs_person_idx" ON "repairs" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteer_obligations_reference_idx" ON "volunteer_obligations" USING btree ("organisation_id","reference");--> statement-breakpoint
CREATE INDEX "volunteer_obligations_end_idx" ON "volunteer_obligations" USING btree ("organisation_id","period_end");--> statement-breakpoint
CREATE POLICY "asb_cases_tenant_isolation" ON "asb_cases" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "complaint_stages_tenant_isolation" ON "complaint_stages" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "homes_counts_tenant_isolation" ON "homes_counts" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "quality_audits_tenant_isolation" ON "quality_audits" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "recruitments_tenant_isolation" ON "recruitments" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "repairs_tenant_isolation" ON "repairs" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "volunteer_obligations_tenant_isolation" ON "volunteer_obligations" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());