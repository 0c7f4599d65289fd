-- Tenant keys the database enforces (issue 9). Every tenant table's primary
-- key now holds organisation_id, so (organisation_id, id) is unique, and every
-- foreign key between tenant tables carries organisation_id on both sides: the
-- database refuses a row that points at another organisation's row, which a
-- foreign key check, run past row-level security, did not. These are also the
-- keys Citus needs to distribute the tables by organisation_id
-- (docs/scaling.md); src/platform/db/keys.test.ts holds every table to them.
--
-- Reviewed by hand: drizzle-kit cannot drop a primary key (it left stubs,
-- replaced by the DROP CONSTRAINT statements below) nor say
-- ON DELETE SET NULL (column) (PostgreSQL 15+), which the keys that clear a
-- reference use so that organisation_id, NOT NULL, is kept. The snapshot records
-- those keys as "set null"; the catalogue test checks the column list.
--
-- On existing data: the new foreign keys are validated as they are added, so a
-- row that points at another organisation's row (there should be none) stops
-- the migration with "violates foreign key constraint", naming the constraint
-- and the key, and the migrator's transaction leaves the database as it was.

-- 1. The foreign keys between tenant tables, which depend on the old keys.
ALTER TABLE "consents" DROP CONSTRAINT "consents_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "people" DROP CONSTRAINT "people_supporter_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "people" DROP CONSTRAINT "people_buddy_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "people" DROP CONSTRAINT "people_partner_organisation_id_partner_organisations_id_fk";--> statement-breakpoint
ALTER TABLE "person_aliases" DROP CONSTRAINT "person_aliases_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "person_equality" DROP CONSTRAINT "person_equality_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "person_roles" DROP CONSTRAINT "person_roles_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "person_services" DROP CONSTRAINT "person_services_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "person_services" DROP CONSTRAINT "person_services_service_id_services_id_fk";--> statement-breakpoint
ALTER TABLE "person_training" DROP CONSTRAINT "person_training_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "possible_duplicates" DROP CONSTRAINT "possible_duplicates_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "possible_duplicates" DROP CONSTRAINT "possible_duplicates_other_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "rights_requests" DROP CONSTRAINT "rights_requests_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "auth_tokens" DROP CONSTRAINT "auth_tokens_user_id_users_id_fk";--> statement-breakpoint
ALTER TABLE "recovery_codes" DROP CONSTRAINT "recovery_codes_user_id_users_id_fk";--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_user_id_users_id_fk";--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_assisted_by_users_id_fk";--> statement-breakpoint
ALTER TABLE "activities" DROP CONSTRAINT "activities_initiative_id_initiatives_id_fk";--> statement-breakpoint
ALTER TABLE "attendance" DROP CONSTRAINT "attendance_activity_id_activities_id_fk";--> statement-breakpoint
ALTER TABLE "attendance" DROP CONSTRAINT "attendance_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "expense_claims" DROP CONSTRAINT "expense_claims_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "expense_claims" DROP CONSTRAINT "expense_claims_activity_id_activities_id_fk";--> statement-breakpoint
ALTER TABLE "invitations" DROP CONSTRAINT "invitations_activity_id_activities_id_fk";--> statement-breakpoint
ALTER TABLE "invitations" DROP CONSTRAINT "invitations_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "opportunities" DROP CONSTRAINT "opportunities_initiative_id_initiatives_id_fk";--> statement-breakpoint
ALTER TABLE "opportunity_asks" DROP CONSTRAINT "opportunity_asks_opportunity_id_opportunities_id_fk";--> statement-breakpoint
ALTER TABLE "opportunity_asks" DROP CONSTRAINT "opportunity_asks_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "rewards" DROP CONSTRAINT "rewards_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "rewards" DROP CONSTRAINT "rewards_activity_id_activities_id_fk";--> statement-breakpoint
ALTER TABLE "sign_ups" DROP CONSTRAINT "sign_ups_opportunity_id_opportunities_id_fk";--> statement-breakpoint
ALTER TABLE "sign_ups" DROP CONSTRAINT "sign_ups_person_id_people_id_fk";--> statement-breakpoint
-- 2. Unique constraints and indexes without organisation_id: each now leads with it.
ALTER TABLE "auth_tokens" DROP CONSTRAINT "auth_tokens_token_hash_unique";--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_token_hash_unique";--> statement-breakpoint
DROP INDEX "attendance_person_idx";--> statement-breakpoint
DROP INDEX "invitations_person_idx";--> statement-breakpoint
DROP INDEX "invitations_token_idx";--> statement-breakpoint
DROP INDEX "invitations_reminder_token_idx";--> statement-breakpoint
DROP INDEX "opportunity_asks_person_idx";--> statement-breakpoint
DROP INDEX "rewards_activity_person_idx";--> statement-breakpoint
DROP INDEX "sign_ups_contact_token_idx";--> statement-breakpoint
-- 3. Primary keys: (id) becomes (id, organisation_id); person_equality's (person_id, organisation_id).
ALTER TABLE "consents" DROP CONSTRAINT "consents_pkey";--> statement-breakpoint
ALTER TABLE "imports" DROP CONSTRAINT "imports_pkey";--> statement-breakpoint
ALTER TABLE "partner_organisations" DROP CONSTRAINT "partner_organisations_pkey";--> statement-breakpoint
ALTER TABLE "people" DROP CONSTRAINT "people_pkey";--> statement-breakpoint
ALTER TABLE "person_equality" DROP CONSTRAINT "person_equality_pkey";--> statement-breakpoint
ALTER TABLE "person_roles" DROP CONSTRAINT "person_roles_pkey";--> statement-breakpoint
ALTER TABLE "person_services" DROP CONSTRAINT "person_services_pkey";--> statement-breakpoint
ALTER TABLE "person_training" DROP CONSTRAINT "person_training_pkey";--> statement-breakpoint
ALTER TABLE "possible_duplicates" DROP CONSTRAINT "possible_duplicates_pkey";--> statement-breakpoint
ALTER TABLE "register_options" DROP CONSTRAINT "register_options_pkey";--> statement-breakpoint
ALTER TABLE "rights_requests" DROP CONSTRAINT "rights_requests_pkey";--> statement-breakpoint
ALTER TABLE "saved_lists" DROP CONSTRAINT "saved_lists_pkey";--> statement-breakpoint
ALTER TABLE "services" DROP CONSTRAINT "services_pkey";--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey";--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT "outbox_pkey";--> statement-breakpoint
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_pkey";--> statement-breakpoint
ALTER TABLE "auth_tokens" DROP CONSTRAINT "auth_tokens_pkey";--> statement-breakpoint
ALTER TABLE "recovery_codes" DROP CONSTRAINT "recovery_codes_pkey";--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_pkey";--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_pkey";--> statement-breakpoint
ALTER TABLE "initiatives" DROP CONSTRAINT "initiatives_pkey";--> statement-breakpoint
ALTER TABLE "activities" DROP CONSTRAINT "activities_pkey";--> statement-breakpoint
ALTER TABLE "attendance" DROP CONSTRAINT "attendance_pkey";--> statement-breakpoint
ALTER TABLE "expense_claims" DROP CONSTRAINT "expense_claims_pkey";--> statement-breakpoint
ALTER TABLE "invitations" DROP CONSTRAINT "invitations_pkey";--> statement-breakpoint
ALTER TABLE "opportunities" DROP CONSTRAINT "opportunities_pkey";--> statement-breakpoint
ALTER TABLE "opportunity_asks" DROP CONSTRAINT "opportunity_asks_pkey";--> statement-breakpoint
ALTER TABLE "rewards" DROP CONSTRAINT "rewards_pkey";--> statement-breakpoint
ALTER TABLE "sign_ups" DROP CONSTRAINT "sign_ups_pkey";--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "partner_organisations" ADD CONSTRAINT "partner_organisations_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "person_equality" ADD CONSTRAINT "person_equality_pkey" PRIMARY KEY("person_id","organisation_id");--> statement-breakpoint
ALTER TABLE "person_roles" ADD CONSTRAINT "person_roles_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "person_services" ADD CONSTRAINT "person_services_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "person_training" ADD CONSTRAINT "person_training_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "possible_duplicates" ADD CONSTRAINT "possible_duplicates_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "register_options" ADD CONSTRAINT "register_options_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "rights_requests" ADD CONSTRAINT "rights_requests_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "saved_lists" ADD CONSTRAINT "saved_lists_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "initiatives" ADD CONSTRAINT "initiatives_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "expense_claims" ADD CONSTRAINT "expense_claims_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "opportunity_asks" ADD CONSTRAINT "opportunity_asks_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
ALTER TABLE "sign_ups" ADD CONSTRAINT "sign_ups_pkey" PRIMARY KEY("id","organisation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "attendance_person_idx" ON "attendance" USING btree ("organisation_id","activity_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_person_idx" ON "invitations" USING btree ("organisation_id","activity_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_idx" ON "invitations" USING btree ("organisation_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_reminder_token_idx" ON "invitations" USING btree ("organisation_id","reminder_token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "opportunity_asks_person_idx" ON "opportunity_asks" USING btree ("organisation_id","opportunity_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_activity_person_idx" ON "rewards" USING btree ("organisation_id","activity_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sign_ups_contact_token_idx" ON "sign_ups" USING btree ("organisation_id","contact_token_hash");--> statement-breakpoint
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_token_hash_unique" UNIQUE("organisation_id","token_hash");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_token_hash_unique" UNIQUE("organisation_id","token_hash");--> statement-breakpoint
-- 4. The foreign keys again, with organisation_id; SET NULL clears only the reference.
ALTER TABLE "consents" ADD CONSTRAINT "consents_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_supporter_id_people_id_fk" FOREIGN KEY ("organisation_id","supporter_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("supporter_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_buddy_id_people_id_fk" FOREIGN KEY ("organisation_id","buddy_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("buddy_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_partner_organisation_id_partner_organisations_id_fk" FOREIGN KEY ("organisation_id","partner_organisation_id") REFERENCES "public"."partner_organisations"("organisation_id","id") ON DELETE SET NULL ("partner_organisation_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_aliases" ADD CONSTRAINT "person_aliases_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_equality" ADD CONSTRAINT "person_equality_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_roles" ADD CONSTRAINT "person_roles_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_services" ADD CONSTRAINT "person_services_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_services" ADD CONSTRAINT "person_services_service_id_services_id_fk" FOREIGN KEY ("organisation_id","service_id") REFERENCES "public"."services"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_training" ADD CONSTRAINT "person_training_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "possible_duplicates" ADD CONSTRAINT "possible_duplicates_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "possible_duplicates" ADD CONSTRAINT "possible_duplicates_other_id_people_id_fk" FOREIGN KEY ("organisation_id","other_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_requests" ADD CONSTRAINT "rights_requests_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("person_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_user_id_users_id_fk" FOREIGN KEY ("organisation_id","user_id") REFERENCES "public"."users"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_user_id_users_id_fk" FOREIGN KEY ("organisation_id","user_id") REFERENCES "public"."users"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("organisation_id","user_id") REFERENCES "public"."users"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_assisted_by_users_id_fk" FOREIGN KEY ("organisation_id","assisted_by") REFERENCES "public"."users"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_initiative_id_initiatives_id_fk" FOREIGN KEY ("organisation_id","initiative_id") REFERENCES "public"."initiatives"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_activity_id_activities_id_fk" FOREIGN KEY ("organisation_id","activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expense_claims" ADD CONSTRAINT "expense_claims_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expense_claims" ADD CONSTRAINT "expense_claims_activity_id_activities_id_fk" FOREIGN KEY ("organisation_id","activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE SET NULL ("activity_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_activity_id_activities_id_fk" FOREIGN KEY ("organisation_id","activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_initiative_id_initiatives_id_fk" FOREIGN KEY ("organisation_id","initiative_id") REFERENCES "public"."initiatives"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_asks" ADD CONSTRAINT "opportunity_asks_opportunity_id_opportunities_id_fk" FOREIGN KEY ("organisation_id","opportunity_id") REFERENCES "public"."opportunities"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_asks" ADD CONSTRAINT "opportunity_asks_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_activity_id_activities_id_fk" FOREIGN KEY ("organisation_id","activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE SET NULL ("activity_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD CONSTRAINT "sign_ups_opportunity_id_opportunities_id_fk" FOREIGN KEY ("organisation_id","opportunity_id") REFERENCES "public"."opportunities"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD CONSTRAINT "sign_ups_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("person_id") ON UPDATE no action;
