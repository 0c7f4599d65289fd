/**
 * The one import pipeline (docs/imports.md): modules declare import kinds in
 * their manifests (contributes.imports, see ImportKind in platform/manifest.ts)
 * and this brings the rest — streaming read, check, preview, problems by line,
 * column and reason, all or nothing, background jobs, the web pages, the
 * template and `coproduce import KIND`.
 */
export {
  applyImport,
  canApply,
  checkImport,
  findImportKind,
  importKinds,
  importsWaiting,
  templateRows,
  PROBLEM_LIMIT,
  type ImportCounts,
  type ImportPlan,
  type ImportProblem,
} from './pipeline.ts';
export { importHelp, runImportCommand, CLI_ACTOR, type ImportCommandIo } from './cli.ts';
export { IMPORT_LIMITS, importRoutes } from './routes.ts';
export { APPLY_JOB, CHECK_JOB, importJobs } from './jobs.ts';
export { IMPORT_ACTIONS, importsRule } from './permissions.ts';
export { renderImportDocs } from './docs.ts';
