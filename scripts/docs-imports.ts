/**
 * Rewrites the generated parts of docs/imports.md (each kind's columns, the
 * command line's usage) from the import kinds the modules declare:
 * `npm run docs:imports`. src/platform/imports/docs.test.ts fails until it is run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MODULES } from '../src/modules.ts';
import { importKinds, renderImportDocs } from '../src/platform/imports/index.ts';
import { installModules } from '../src/platform/manifest.ts';

installModules(MODULES);
const file = path.resolve(import.meta.dirname, '../docs/imports.md');
writeFileSync(file, renderImportDocs(readFileSync(file, 'utf8'), importKinds()));
process.stderr.write(`Wrote ${file}\n`);
