-- The organisation a transaction is scoped to. Every row-level security policy
-- calls this; with no organisation set it returns null and no row matches.
CREATE OR REPLACE FUNCTION app_organisation_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.organisation_id', true), '')::uuid $$;
