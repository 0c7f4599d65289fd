ALTER TABLE "imports" ADD COLUMN "created_by_name" text;
