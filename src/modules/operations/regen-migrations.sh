#!/bin/sh
# Makes operations' two migrations anew after the others on main (BRIEF:
# renumber after a rebase): the tables from tables.ts, the keys that clear
# only their reference, then the hand-written RLS and link triggers.
set -e
npm run db:generate -- --name operations >/dev/null
file=$(ls migrations/*_operations.sql | tail -1)
sh src/modules/operations/fix-migration.sh "$file"
npx drizzle-kit generate --custom --name operations_rls >/dev/null
cp src/modules/operations/rls.sql.txt "$(ls migrations/*_operations_rls.sql | tail -1)"
ls migrations | tail -2
