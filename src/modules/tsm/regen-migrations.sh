#!/bin/sh
# Makes tsm's two migrations anew after the others on main (BRIEF: renumber
# after a rebase): delete ours from migrations/ and meta first, then run this
# from the repository's root. The tables come from tables.ts, the forced
# row-level security from rls.sql.txt.
set -e
npm run db:generate -- --name tsm >/dev/null
npx drizzle-kit generate --custom --name tsm_rls >/dev/null
cp src/modules/tsm/rls.sql.txt "$(ls migrations/*_tsm_rls.sql | tail -1)"
ls migrations | tail -2
