-- Written by hand. The imports pipeline moved to the platform, which does not
-- read the accounts' table: an import now keeps its uploader's name. Imports
-- logged before then get the name their account has now. (A migration may
-- name both parts' tables.)
UPDATE "imports" i SET "created_by_name" = u.name
FROM "users" u
WHERE u.organisation_id = i.organisation_id
  AND u.id = i.created_by
  AND i.created_by_name IS NULL;--> statement-breakpoint
-- The background import jobs are the platform's now: a job queued under the
-- people module's old names runs under the new ones.
UPDATE "jobs" SET "kind" = 'imports.check' WHERE "kind" = 'people.import-check';--> statement-breakpoint
UPDATE "jobs" SET "kind" = 'imports.apply' WHERE "kind" = 'people.import-apply';
