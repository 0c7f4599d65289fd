-- An account knows its person (issue 9, item 10): users.person_id names the
-- person on the register a sign-in account belongs to, so a customer's own
-- pages (/my, /my/statement) find them by that link, never by an email that a
-- household may share.
--
-- Reviewed by hand: drizzle-kit wrote ON DELETE set null, which would clear
-- organisation_id (NOT NULL) too; the key says ON DELETE SET NULL ("person_id")
-- (PostgreSQL 15+), as migration 0014's do. The snapshot records "set null";
-- src/platform/db/keys.test.ts checks the column list.
ALTER TABLE "users" ADD COLUMN "person_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_person_id_people_id_fk" FOREIGN KEY ("organisation_id","person_id") REFERENCES "public"."people"("organisation_id","id") ON DELETE SET NULL ("person_id") ON UPDATE no action;--> statement-breakpoint
-- One account per person: someone who is both staff and a customer has one
-- account holding both roles.
CREATE UNIQUE INDEX "users_person_idx" ON "users" USING btree ("organisation_id","person_id") WHERE person_id is not null;--> statement-breakpoint
-- Written by hand: a one-off match for the accounts there are. A customer
-- account whose email is held by exactly one person of its organisation who
-- has not been erased gets that person; an email shared by two or more (a
-- household) or by nobody leaves the account unlinked, for staff to link.
-- Staff accounts are not matched: a member of staff is linked on purpose.
-- (A migration may name both modules' tables; the application reaches the
-- register through the people module.)
UPDATE "users" u SET "person_id" = m.person_id
FROM (
  SELECT p.organisation_id, lower(p.email) AS email, min(p.id::text)::uuid AS person_id
  FROM "people" p
  WHERE p.email IS NOT NULL AND p.erased_at IS NULL
  GROUP BY p.organisation_id, lower(p.email)
  HAVING count(*) = 1
) m
WHERE u.organisation_id = m.organisation_id
  AND lower(u.email) = m.email
  AND u.person_id IS NULL
  AND 'customer' = ANY (u.roles);
