CREATE TABLE "survey_answer_counts" (
	"organisation_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"question_code" text NOT NULL,
	"cut" text NOT NULL,
	"grp" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "survey_answer_counts_pkey" PRIMARY KEY("organisation_id","survey_id","cut","question_code","grp","kind","value")
);
--> statement-breakpoint
ALTER TABLE "survey_answer_counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "survey_responses_survey_idx";--> statement-breakpoint
ALTER TABLE "survey_answer_counts" ADD CONSTRAINT "survey_answer_counts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answer_counts" ADD CONSTRAINT "survey_answer_counts_survey_id_surveys_id_fk" FOREIGN KEY ("organisation_id","survey_id") REFERENCES "public"."surveys"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_responses_survey_idx" ON "survey_responses" USING btree ("organisation_id","survey_id","status","method");--> statement-breakpoint
CREATE POLICY "survey_answer_counts_tenant_isolation" ON "survey_answer_counts" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
-- Written by hand (issue 12's benchmark): the triggers that keep
-- survey_answer_counts (tables.ts) as answers are written, recoded, erased
-- or removed, in the same transaction, and the counts of the answers there
-- are already. Appended to the generated migration survey_counts; a copy is
-- kept here to append again if the migration is renumbered.
--
-- One trigger a statement, with the statement's rows as transition tables:
-- a response's answers (or a bench's million) make one grouped upsert, in a
-- fixed order of keys so that two transactions take the rows' locks in the
-- same order. Answers whose survey is gone (a survey or an organisation
-- being removed) are left out: their counts go with the survey. A response's
-- cut dimensions are read from survey_responses, which completing writes
-- before the answers and nothing changes after; a response removed alone
-- (only partial ones are, which have no answers) would leave its cut counts.
ALTER TABLE "survey_answer_counts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE FUNCTION survey_answer_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT n.*, 1 AS d FROM new_answers n'
    WHEN 'DELETE' THEN 'SELECT o.*, -1 AS d FROM old_answers o'
    ELSE 'SELECT n.*, 1 AS d FROM new_answers n UNION ALL SELECT o.*, -1 AS d FROM old_answers o'
  END;
BEGIN
  EXECUTE format($q$
  WITH changed AS (%s),
  a AS (
    SELECT c.* FROM changed c
    WHERE EXISTS (SELECT 1 FROM surveys s WHERE s.organisation_id = c.organisation_id AND s.id = c.survey_id)
  ),
  items AS (
    SELECT organisation_id, survey_id, question_code, '' AS cut, '' AS grp, 'answered' AS kind, '' AS value, d FROM a
    UNION ALL SELECT organisation_id, survey_id, question_code, '', '', 'choice', choice, d FROM a WHERE choice IS NOT NULL
    UNION ALL SELECT a.organisation_id, a.survey_id, a.question_code, '', '', 'choice', c, a.d FROM a, unnest(a.choices) c WHERE c IS NOT NULL
    UNION ALL SELECT organisation_id, survey_id, question_code, '', '', 'number', number::text, d FROM a WHERE number IS NOT NULL
    UNION ALL SELECT organisation_id, survey_id, question_code, '', '', 'sentiment', sentiment, d FROM a WHERE sentiment IS NOT NULL
    UNION ALL SELECT a.organisation_id, a.survey_id, a.question_code, '', '', 'theme', t, a.d FROM a, unnest(a.themes) t WHERE a.body IS NOT NULL AND t IS NOT NULL
    UNION ALL SELECT a.organisation_id, a.survey_id, a.question_code, x.cut, coalesce(x.grp, ''), 'choice', a.choice, a.d
      FROM a JOIN survey_responses r ON r.organisation_id = a.organisation_id AND r.id = a.response_id
      CROSS JOIN LATERAL (VALUES ('service', r.service_id::text), ('specialism', r.specialism),
        ('tenure', r.tenure), ('area', r.area)) x(cut, grp)
      WHERE a.choice IS NOT NULL
  )
  INSERT INTO survey_answer_counts AS t (organisation_id, survey_id, question_code, cut, grp, kind, value, n)
  SELECT organisation_id, survey_id, question_code, cut, grp, kind, value, sum(d)
  FROM items GROUP BY organisation_id, survey_id, cut, question_code, grp, kind, value
  HAVING sum(d) <> 0
  ORDER BY organisation_id, survey_id, cut, question_code, grp, kind, value
  ON CONFLICT (organisation_id, survey_id, cut, question_code, grp, kind, value)
  DO UPDATE SET n = t.n + excluded.n
  $q$, source);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER survey_answers_count_insert AFTER INSERT ON survey_answers
  REFERENCING NEW TABLE AS new_answers FOR EACH STATEMENT EXECUTE FUNCTION survey_answer_counts_apply();--> statement-breakpoint
CREATE TRIGGER survey_answers_count_update AFTER UPDATE ON survey_answers
  REFERENCING OLD TABLE AS old_answers NEW TABLE AS new_answers FOR EACH STATEMENT EXECUTE FUNCTION survey_answer_counts_apply();--> statement-breakpoint
CREATE TRIGGER survey_answers_count_delete AFTER DELETE ON survey_answers
  REFERENCING OLD TABLE AS old_answers FOR EACH STATEMENT EXECUTE FUNCTION survey_answer_counts_apply();--> statement-breakpoint
-- The answers there are already, counted as the owner: row level security
-- is lifted for the one statement only (a superuser is not bound by it anyway).
ALTER TABLE "survey_answers" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_responses" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_answer_counts" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
INSERT INTO survey_answer_counts (organisation_id, survey_id, question_code, cut, grp, kind, value, n)
WITH a AS (SELECT s.*, 1 AS d FROM survey_answers s),
items AS (
    SELECT organisation_id, survey_id, question_code, '' AS cut, '' AS grp, 'answered' AS kind, '' AS value, d FROM a
    UNION ALL SELECT organisation_id, survey_id, question_code, '', '', 'choice', choice, d FROM a WHERE choice IS NOT NULL
    UNION ALL SELECT a.organisation_id, a.survey_id, a.question_code, '', '', 'choice', c, a.d FROM a, unnest(a.choices) c WHERE c IS NOT NULL
    UNION ALL SELECT organisation_id, survey_id, question_code, '', '', 'number', number::text, d FROM a WHERE number IS NOT NULL
    UNION ALL SELECT organisation_id, survey_id, question_code, '', '', 'sentiment', sentiment, d FROM a WHERE sentiment IS NOT NULL
    UNION ALL SELECT a.organisation_id, a.survey_id, a.question_code, '', '', 'theme', t, a.d FROM a, unnest(a.themes) t WHERE a.body IS NOT NULL AND t IS NOT NULL
    UNION ALL SELECT a.organisation_id, a.survey_id, a.question_code, x.cut, coalesce(x.grp, ''), 'choice', a.choice, a.d
      FROM a JOIN survey_responses r ON r.organisation_id = a.organisation_id AND r.id = a.response_id
      CROSS JOIN LATERAL (VALUES ('service', r.service_id::text), ('specialism', r.specialism),
        ('tenure', r.tenure), ('area', r.area)) x(cut, grp)
      WHERE a.choice IS NOT NULL
)
SELECT organisation_id, survey_id, question_code, cut, grp, kind, value, sum(d)
FROM items GROUP BY organisation_id, survey_id, cut, question_code, grp, kind, value;--> statement-breakpoint
ALTER TABLE "survey_answers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_responses" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "survey_answer_counts" FORCE ROW LEVEL SECURITY;
