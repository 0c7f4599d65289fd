#!/bin/sh
# Makes the translation overrides' two migrations anew after the others on
# main (BRIEF: renumber after a rebase): the table from tables.ts, then the
# hand-written RLS.
set -e
npm run db:generate -- --name translation_overrides >/dev/null
npx drizzle-kit generate --custom --name translation_overrides_rls >/dev/null
cp src/platform/i18n/rls.sql.txt "$(ls migrations/*_translation_overrides_rls.sql | tail -1)"
ls migrations | tail -2
