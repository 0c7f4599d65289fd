// A local ESLint rule that keeps modules apart (docs/architecture.md, "The
// module contract"): code in src/modules/<a>/ may import another module only
// through its index.ts, and so may everything outside the modules (the CLI,
// the demo, tests); the platform (src/platform/) may import no module at all,
// except in its tests, through index.ts (its test helpers reach src/modules.ts,
// the list of modules, which is outside both). One exception: a tables.ts may
// import another module's tables.ts, for a foreign key.
import path from 'node:path';

const MODULES = `${path.sep}src${path.sep}modules${path.sep}`;
const PLATFORM = `${path.sep}src${path.sep}platform${path.sep}`;

/** The module a file belongs to, or null. */
function moduleOf(file) {
  const at = file.indexOf(MODULES);
  if (at < 0) return null;
  return file.slice(at + MODULES.length).split(path.sep)[0] ?? null;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Reach another module only through its index.ts' },
    messages: {
      internals:
        "Import '{{module}}' through its index.ts ('{{suggest}}'), not its internals: what another module needs, it exports there.",
      platform:
        "The platform may not import a module ('{{module}}'): modules contribute through their manifests.",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const own = moduleOf(file);
    const inPlatform = file.includes(PLATFORM);
    function check(node) {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      const other = moduleOf(target);
      if (!other) return;
      if (inPlatform && !/\.test\.ts$/.test(file)) {
        context.report({ node, messageId: 'platform', data: { module: other } });
        return;
      }
      if (other === own) return;
      // A foreign key names another module's table: a schema file may import
      // another schema file (drizzle-kit loads them without the app).
      if (path.basename(file) === 'tables.ts' && path.basename(target) === 'tables.ts') return;
      const index = target.slice(0, target.indexOf(MODULES) + MODULES.length) + other;
      if (target === path.join(index, 'index.ts')) return;
      const suggest = path.relative(path.dirname(file), path.join(index, 'index.ts'));
      context.report({ node, messageId: 'internals', data: { module: other, suggest } });
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: (node) => check({ source: node.source, ...node }),
    };
  },
};

export default { rules: { 'module-boundaries': rule } };
