-- The people a new or changed person may duplicate by name: a similar name
-- (every word like a word of the other's, as people_matching_name in 0009)
-- and the same date of birth or postcode, or neither known. Bounded: at most
-- p_limit ids, so the duplicate check a public sign-up runs costs the same
-- however many earlier people share the name (people_matching_name returned
-- them all, and a sign-up read every one). Owner's rights for the trigram
-- index, as 0009 explains; filtered to the caller's organisation here.
CREATE OR REPLACE FUNCTION people_possibly_named(
  p_words text[], p_threshold real, p_date_of_birth date, p_postcode text,
  p_except uuid, p_limit integer)
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
    || ' AND id <> $5 AND (date_of_birth = $3 OR postcode = $4'
    || ' OR (date_of_birth IS NULL AND postcode IS NULL)) LIMIT $6'
    USING p_words, app_organisation_id(), p_date_of_birth, p_postcode, p_except, p_limit;
END;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION people_possibly_named(text[], real, date, text, uuid, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION people_possibly_named(text[], real, date, text, uuid, integer) TO coproduce_app;
