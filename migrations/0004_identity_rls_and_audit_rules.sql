ALTER TABLE "audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outbox" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "jobs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "recovery_codes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "auth_tokens" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "auth_throttle" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- The audit trail is append-only for the application.
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_log" FROM coproduce_app;--> statement-breakpoint
-- Erasure under UK GDPR is the one exception: this function, and only it,
-- removes named personal fields from the before-and-after copies of one
-- record's audit rows in the caller's organisation, and records that it did.
CREATE OR REPLACE FUNCTION audit_redact(p_entity text, p_entity_id text, p_fields text[], p_actor_label text)
  RETURNS integer
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  changed integer;
BEGIN
  IF app_organisation_id() IS NULL THEN
    RAISE EXCEPTION 'audit_redact needs an organisation';
  END IF;
  UPDATE audit_log
     SET before = CASE WHEN before IS NULL THEN NULL ELSE before - p_fields END,
         after = CASE WHEN after IS NULL THEN NULL ELSE after - p_fields END,
         redacted = true
   WHERE organisation_id = app_organisation_id()
     AND entity = p_entity
     AND entity_id = p_entity_id;
  GET DIAGNOSTICS changed = ROW_COUNT;
  INSERT INTO audit_log (organisation_id, actor_label, action, entity, entity_id, after)
  VALUES (app_organisation_id(), p_actor_label, 'redact', p_entity, p_entity_id,
          jsonb_build_object('fields', to_jsonb(p_fields), 'rows', changed));
  RETURN changed;
END;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_redact(text, text, text[], text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_redact(text, text, text[], text) TO coproduce_app;
