-- Row-level security holds for the owner too on every register table.
ALTER TABLE "register_options" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "partner_organisations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "person_aliases" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "person_roles" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "person_training" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "consents" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "person_equality" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "saved_lists" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "possible_duplicates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "imports" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "erasure_suppressions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "rights_requests" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Services now hold codes from the organisation's configurable lists.
UPDATE "services" SET "type" = trim(both '_' from lower(regexp_replace("type", '[^A-Za-z0-9]+', '_', 'g'))),
  "specialism" = trim(both '_' from lower(regexp_replace("specialism", '[^A-Za-z0-9]+', '_', 'g')));--> statement-breakpoint
-- Erasure under UK GDPR: empties the before-and-after copies of a record's
-- audit rows and replaces the label of every row the person wrote themselves
-- (their own account, or staff helping them), in the caller's organisation
-- only, and records that it did. The audit trail keeps what happened and when.
CREATE OR REPLACE FUNCTION audit_erase(p_entity text, p_entity_id text, p_actor_user_id uuid, p_actor_label text)
  RETURNS integer
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  changed integer;
  relabelled integer := 0;
BEGIN
  IF app_organisation_id() IS NULL THEN
    RAISE EXCEPTION 'audit_erase needs an organisation';
  END IF;
  UPDATE audit_log
     SET before = NULL, after = NULL, redacted = true
   WHERE organisation_id = app_organisation_id()
     AND entity = p_entity
     AND entity_id = p_entity_id;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF p_actor_user_id IS NOT NULL THEN
    UPDATE audit_log
       SET actor_label = 'erased person', actor_user_id = NULL, ip = NULL, redacted = true
     WHERE organisation_id = app_organisation_id()
       AND actor_user_id = p_actor_user_id;
    GET DIAGNOSTICS relabelled = ROW_COUNT;
    UPDATE audit_log
       SET before = NULL, after = NULL, redacted = true
     WHERE organisation_id = app_organisation_id()
       AND entity = 'user'
       AND entity_id = p_actor_user_id::text;
  END IF;
  INSERT INTO audit_log (organisation_id, actor_label, action, entity, entity_id, after)
  VALUES (app_organisation_id(), p_actor_label, 'erase', p_entity, p_entity_id,
          jsonb_build_object('rows', changed, 'relabelled', relabelled));
  RETURN changed;
END;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_erase(text, text, uuid, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_erase(text, text, uuid, text) TO coproduce_app;
