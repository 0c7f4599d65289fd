-- Row-level security holds for the owner too (issue 14); the text is kept in src/modules/people/change-requests-rls.sql.txt.
ALTER TABLE "person_change_requests" FORCE ROW LEVEL SECURITY;
