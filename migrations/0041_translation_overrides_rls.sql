-- Row-level security holds for the owner too (issue 14); written by hand (platform/i18n/regen-migrations.sh).
ALTER TABLE "translation_overrides" FORCE ROW LEVEL SECURITY;
