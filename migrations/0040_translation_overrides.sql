CREATE TABLE "translation_overrides" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"language" text NOT NULL,
	"key" text NOT NULL,
	"text" text NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "translation_overrides_pkey" PRIMARY KEY("id","organisation_id"),
	CONSTRAINT "translation_overrides_key" UNIQUE("organisation_id","language","key")
);
--> statement-breakpoint
ALTER TABLE "translation_overrides" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "translation_overrides" ADD CONSTRAINT "translation_overrides_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "translation_overrides_version_idx" ON "translation_overrides" USING btree ("organisation_id","language","updated_at");--> statement-breakpoint
CREATE POLICY "translation_overrides_tenant_isolation" ON "translation_overrides" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());