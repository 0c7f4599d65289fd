// Builds the stylesheet from govuk-frontend's and MOJ Frontend's Sass with our
// own font stack. Skips the work when the output is newer than its sources.
import { mkdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as sass from 'sass';

const root = path.resolve(import.meta.dirname, '..');
const source = path.join(root, 'src/platform/views/styles/app.scss');
const out = path.join(root, 'public/build/app.css');
const inputs = [source, path.join(root, 'package-lock.json')];

const newest = Math.max(...inputs.filter(existsSync).map((f) => statSync(f).mtimeMs));
if (existsSync(out) && statSync(out).mtimeMs > newest && !process.argv.includes('--force')) {
  process.exit(0);
}
const started = Date.now();
const result = sass.compile(source, {
  loadPaths: [root, path.join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  logger: sass.Logger.silent,
});
if (/GDS Transport/.test(result.css)) {
  throw new Error('The stylesheet names GDS Transport, which only government services may use');
}
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, result.css);
console.error(`Built ${path.relative(root, out)} in ${Date.now() - started} ms`);
