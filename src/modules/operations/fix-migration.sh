#!/bin/sh
# Redo after renumbering: the generated migration's set-null keys must clear
# only the reference, never organisation_id (docs/architecture.md, tenant keys).
# Usage: sh src/modules/operations/fix-migration.sh migrations/00NN_operations.sql
sed -i -E 's/FOREIGN KEY \("organisation_id","(service_id|person_id)"\)(.*)ON DELETE set null/FOREIGN KEY ("organisation_id","\1")\2ON DELETE SET NULL ("\1")/' "$1"
