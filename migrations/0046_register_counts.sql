CREATE TABLE "register_counts" (
	"organisation_id" uuid NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "register_counts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"need" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "register_counts_pkey" PRIMARY KEY("id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "register_counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "register_counts" ADD CONSTRAINT "register_counts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "register_counts_organisation_idx" ON "register_counts" USING btree ("organisation_id");--> statement-breakpoint
CREATE POLICY "register_counts_tenant_isolation" ON "register_counts" AS PERMISSIVE FOR ALL TO public USING (organisation_id = app_organisation_id()) WITH CHECK (organisation_id = app_organisation_id());--> statement-breakpoint
-- Written by hand (issue 15): the triggers that keep register_counts
-- (tables.ts) as people are written, and the counts of the people there
-- are already. Appended to the generated migration register_counts; this
-- copy (src/modules/people/register-counts.sql.txt) is kept to append again
-- if the migration is renumbered.
--
-- One trigger a statement, with the statement's rows as transition tables:
-- an import's batch of people makes one grouped insert. Each statement adds
-- rows of changes (+1 for a person on the register or with a need, -1 for
-- one who leaves it: erased, deleted, a need removed); it never updates a
-- row, so two transactions writing people never wait for each other here.
-- An update that changes neither needs nor erasure adds nothing.
ALTER TABLE "register_counts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE FUNCTION register_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT n.organisation_id, n.needs, 1 AS d FROM new_people n WHERE n.erased_at IS NULL'
    WHEN 'DELETE' THEN 'SELECT o.organisation_id, o.needs, -1 AS d FROM old_people o WHERE o.erased_at IS NULL'
    ELSE 'SELECT n.organisation_id, n.needs, 1 AS d FROM new_people n WHERE n.erased_at IS NULL
          UNION ALL SELECT o.organisation_id, o.needs, -1 AS d FROM old_people o WHERE o.erased_at IS NULL'
  END;
BEGIN
  EXECUTE format($q$
  WITH changed AS (%s),
  items AS (
    SELECT organisation_id, '' AS need, d FROM changed
    UNION ALL SELECT c.organisation_id, x.need, c.d FROM changed c, unnest(c.needs) AS x(need)
  )
  INSERT INTO register_counts (organisation_id, need, n)
  SELECT organisation_id, need, sum(d) FROM items
  WHERE EXISTS (SELECT 1 FROM organisations o WHERE o.id = items.organisation_id)
  GROUP BY organisation_id, need
  HAVING sum(d) <> 0
  $q$, source);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER people_count_insert AFTER INSERT ON people
  REFERENCING NEW TABLE AS new_people FOR EACH STATEMENT EXECUTE FUNCTION register_counts_apply();--> statement-breakpoint
CREATE TRIGGER people_count_update AFTER UPDATE ON people
  REFERENCING OLD TABLE AS old_people NEW TABLE AS new_people FOR EACH STATEMENT EXECUTE FUNCTION register_counts_apply();--> statement-breakpoint
CREATE TRIGGER people_count_delete AFTER DELETE ON people
  REFERENCING OLD TABLE AS old_people FOR EACH STATEMENT EXECUTE FUNCTION register_counts_apply();--> statement-breakpoint
-- The people there are already, counted as the owner: row-level security is
-- lifted for the one statement only (a superuser is not bound by it anyway).
ALTER TABLE "people" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "register_counts" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
INSERT INTO register_counts (organisation_id, need, n)
SELECT organisation_id, '' AS need, count(*)::int FROM people WHERE erased_at IS NULL GROUP BY organisation_id
UNION ALL
SELECT p.organisation_id, x.need, count(*)::int FROM people p, unnest(p.needs) AS x(need)
WHERE p.erased_at IS NULL GROUP BY p.organisation_id, x.need;--> statement-breakpoint
ALTER TABLE "people" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "register_counts" FORCE ROW LEVEL SECURITY;
