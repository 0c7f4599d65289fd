CREATE TABLE "feedback_actions" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"kind" text NOT NULL,
	"you_said" text NOT NULL,
	"we_did" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"you_said_easy" text DEFAULT '' NOT NULL,
	"we_did_easy" text DEFAULT '' NOT NULL,
	"owner" text DEFAULT '' NOT NULL,
	"due_on" date,
	"status" text DEFAULT 'open' NOT NULL,
	"outcome" text DEFAULT '' NOT NULL,
	"done_on" date,
	"publish" boolean DEFAULT false NOT NULL,
	"specialisms" text[] DEFAULT '{}'::text[] NOT NULL,
	"quote_item_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_actions_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "feedback_actions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "feedback_editions" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"period" text NOT NULL,
	"segment" text DEFAULT '' NOT NULL,
	"intro" text DEFAULT '' NOT NULL,
	"content" jsonb,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_editions_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "feedback_editions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "feedback_item_themes" (
	"organisation_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"theme_id" uuid NOT NULL,
	"origin" text DEFAULT 'suggested' NOT NULL,
	CONSTRAINT "feedback_item_themes_pkey" PRIMARY KEY("organisation_id","item_id","theme_id")
);
--> statement-breakpoint
ALTER TABLE "feedback_item_themes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "feedback_items" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"channel" text NOT NULL,
	"source_detail" text DEFAULT '' NOT NULL,
	"received_on" date NOT NULL,
	"service_id" uuid,
	"initiative_id" uuid,
	"person_id" uuid,
	"anonymous" boolean DEFAULT false NOT NULL,
	"text" text NOT NULL,
	"may_quote" boolean DEFAULT false NOT NULL,
	"hear_back" boolean DEFAULT false NOT NULL,
	"hear_back_channel" text,
	"sentiment" text DEFAULT 'neutral' NOT NULL,
	"sentiment_score" integer DEFAULT 0 NOT NULL,
	"themes_reviewed_at" timestamp with time zone,
	"source_kind" text,
	"source_id" uuid,
	"source_part" text,
	"logged_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_items_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "feedback_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "feedback_loop_messages" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"easy_read" boolean DEFAULT false NOT NULL,
	"outbox_id" uuid,
	"sent_on" date,
	"sent_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_loop_messages_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "feedback_loop_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "feedback_themes" (
	"organisation_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"retired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_themes_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "feedback_themes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback_actions" ADD CONSTRAINT "feedback_actions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_actions" ADD CONSTRAINT "feedback_actions_quote_item_id_feedback_items_id_fk" FOREIGN KEY ("organisation_id","quote_item_id") REFERENCES "public"."feedback_items"("organisation_id","id") ON DELETE SET NULL ("quote_item_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_editions" ADD CONSTRAINT "feedback_editions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" ADD CONSTRAINT "feedback_item_themes_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" ADD CONSTRAINT "feedback_item_themes_item_id_feedback_items_id_fk" FOREIGN KEY ("organisation_id","item_id") REFERENCES "public"."feedback_items"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_item_themes" ADD CONSTRAINT "feedback_item_themes_theme_id_feedback_themes_id_fk" FOREIGN KEY ("organisation_id","theme_id") REFERENCES "public"."feedback_themes"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("person_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_service_id_services_id_fk" FOREIGN KEY ("organisation_id","service_id") REFERENCES "public"."services"("organisation_id","id") ON DELETE SET NULL ("service_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_initiative_id_initiatives_id_fk" FOREIGN KEY ("organisation_id","initiative_id") REFERENCES "public"."initiatives"("organisation_id","id") ON DELETE SET NULL ("initiative_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_loop_messages" ADD CONSTRAINT "feedback_loop_messages_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_loop_messages" ADD CONSTRAINT "feedback_loop_messages_item_id_feedback_items_id_fk" FOREIGN KEY ("organisation_id","item_id") REFERENCES "public"."feedback_items"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_loop_messages" ADD CONSTRAINT "feedback_loop_messages_action_id_feedback_actions_id_fk" FOREIGN KEY ("organisation_id","action_id") REFERENCES "public"."feedback_actions"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_themes" ADD CONSTRAINT "feedback_themes_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_actions_reference_idx" ON "feedback_actions" USING btree ("organisation_id","reference");--> statement-breakpoint
CREATE INDEX "feedback_actions_done_idx" ON "feedback_actions" USING btree ("organisation_id","status","done_on");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_editions_period_idx" ON "feedback_editions" USING btree ("organisation_id","period","segment");--> statement-breakpoint
CREATE INDEX "feedback_item_themes_theme_idx" ON "feedback_item_themes" USING btree ("organisation_id","theme_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_items_reference_idx" ON "feedback_items" USING btree ("organisation_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_items_source_idx" ON "feedback_items" USING btree ("organisation_id","source_kind","source_id","source_part");--> statement-breakpoint
CREATE INDEX "feedback_items_received_idx" ON "feedback_items" USING btree ("organisation_id","received_on");--> statement-breakpoint
CREATE INDEX "feedback_items_person_idx" ON "feedback_items" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_loop_messages_item_action_idx" ON "feedback_loop_messages" USING btree ("organisation_id","item_id","action_id");--> statement-breakpoint
CREATE INDEX "feedback_loop_messages_action_idx" ON "feedback_loop_messages" USING btree ("organisation_id","action_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_themes_code_idx" ON "feedback_themes" USING btree ("organisation_id","code");--> statement-breakpoint
CREATE POLICY "feedback_actions_tenant_isolation" ON "feedback_actions" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "feedback_editions_tenant_isolation" ON "feedback_editions" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "feedback_item_themes_tenant_isolation" ON "feedback_item_themes" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "feedback_items_tenant_isolation" ON "feedback_items" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "feedback_loop_messages_tenant_isolation" ON "feedback_loop_messages" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
CREATE POLICY "feedback_themes_tenant_isolation" ON "feedback_themes" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());