-- Typo-tolerant name search that can use its trigram index. Under row-level
-- security PostgreSQL only lets leakproof operators into an index scan ahead
-- of the policy, and pg_trgm's <% is not marked leakproof, so a plain query
-- reads every row of the register. This function runs as the owner (who
-- bypasses row-level security), filters to the caller's organisation itself,
-- and returns only ids: the caller joins them back through the policy.
CREATE OR REPLACE FUNCTION people_matching_name(p_words text[], p_threshold real)
  RETURNS SETOF uuid
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  conditions text;
BEGIN
  IF app_organisation_id() IS NULL OR coalesce(array_length(p_words, 1), 0) = 0 THEN
    RETURN;
  END IF;
  PERFORM set_config('pg_trgm.word_similarity_threshold', p_threshold::text, true);
  SELECT string_agg(format('$1[%s] <%% search_name', i), ' AND ')
    INTO conditions
    FROM generate_subscripts(p_words, 1) AS i;
  RETURN QUERY EXECUTE
    'SELECT id FROM people WHERE organisation_id = $2 AND erased_at IS NULL AND ' || conditions
    USING p_words, app_organisation_id();
END;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION people_matching_name(text[], real) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION people_matching_name(text[], real) TO coproduce_app;
