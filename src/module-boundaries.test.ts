// Boundaries the tools enforce (docs/architecture.md, "The module contract"):
// the lint rule refuses imports of another module's internals, no module's
// SQL names another module's table, no module imports another's table
// objects, and no template reaches into another module's views.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(import.meta.dirname, '..');
const modulesDir = path.join(root, 'src/modules');
const modules = readdirSync(modulesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

function filesOf(dir: string, match: (name: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(match)
    .map((f) => path.join(dir, f));
}

/** Each module's tables (SQL names) and the names its tables.ts exports them as. */
const owned = new Map(
  modules.map((m) => {
    let text = '';
    try {
      text = readFileSync(path.join(modulesDir, m, 'tables.ts'), 'utf8');
    } catch {
      // a module without tables
    }
    const tables = [...text.matchAll(/pgTable\(\s*'([a-z_0-9]+)'/g)].map((x) => x[1]!);
    const exports = [...text.matchAll(/export const (\w+) = pgTable\(/g)].map((x) => x[1]!);
    return [m, { tables, exports }] as const;
  }),
);

/** Where a module's own source (not its schema, not its tests) names another module's table. */
function sqlCrossings(): string[] {
  const found: string[] = [];
  for (const m of modules) {
    const others = modules.filter((o) => o !== m).flatMap((o) => owned.get(o)!.tables);
    if (others.length === 0) continue;
    const naming = new RegExp(
      String.raw`\b(from|join|update|into|table)\s+"?(${others.join('|')})"?(?![\w.])`,
      'gi',
    );
    for (const file of filesOf(path.join(modulesDir, m), (f) => f.endsWith('.ts'))) {
      if (file.endsWith('.test.ts') || path.basename(file) === 'tables.ts') continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, n) => {
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // prose in comments
        for (const hit of line.matchAll(naming))
          found.push(`${path.relative(root, file)}:${n + 1} names ${hit[2]}`);
      });
    }
  }
  return found;
}

/** Where a module imports another module's table objects (through its index.ts). */
function tableImports(): string[] {
  const found: string[] = [];
  for (const m of modules) {
    for (const file of filesOf(path.join(modulesDir, m), (f) => f.endsWith('.ts'))) {
      if (file.endsWith('.test.ts') || path.basename(file) === 'tables.ts') continue;
      const text = readFileSync(file, 'utf8');
      for (const imp of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
        const target = path.resolve(path.dirname(file), imp[2]!);
        const other = modules.find(
          (o) => o !== m && target.startsWith(path.join(modulesDir, o) + path.sep),
        );
        if (!other) continue;
        const names = imp[1]!.split(',').map((n) =>
          n
            .trim()
            .split(/\s+as\s+/)[0]!
            .replace(/^type\s+/, ''),
        );
        for (const name of names)
          if (owned.get(other)!.exports.includes(name) || /Tables$/.test(name))
            found.push(`${path.relative(root, file)} imports ${other}'s table ${name}`);
      }
    }
  }
  return found;
}

/** Where a module's template imports or includes another module's template. */
function templateCrossings(): string[] {
  const found: string[] = [];
  for (const m of modules) {
    for (const file of filesOf(path.join(modulesDir, m), (f) => f.endsWith('.njk'))) {
      const text = readFileSync(file, 'utf8');
      for (const hit of text.matchAll(/\{%-?\s*(?:from|import|include|extends)\s+"([a-z-]+)\//g))
        if (modules.includes(hit[1]!) && hit[1] !== m)
          found.push(`${path.relative(root, file)} uses ${hit[1]}'s template`);
    }
  }
  return found;
}

describe('module boundaries', () => {
  it('finds every module table', () => {
    assert.ok(owned.get('people')!.tables.includes('people'));
    assert.ok(owned.get('participation')!.tables.includes('attendance'));
  });

  it("finds no module whose SQL names another module's table", () => {
    assert.deepEqual(sqlCrossings(), []);
  });

  it("finds no module that imports another module's table objects", () => {
    assert.deepEqual(tableImports(), []);
  });

  it("finds no template that uses another module's templates", () => {
    assert.deepEqual(templateCrossings(), []);
  });

  it("lints an import of another module's internals as an error, and its index.ts as fine", async () => {
    const eslint = new ESLint({ cwd: root });
    const lint = async (file: string, code: string) => {
      const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
      return result!.messages.filter((m) => m.ruleId === 'coproduce/module-boundaries');
    };
    const internals = await lint(
      'src/modules/participation/fixture.ts',
      "import { people } from '../people/service.ts';\nexport const x = people;\n",
    );
    assert.equal(internals.length, 1);
    assert.match(internals[0]!.message, /through its index\.ts/);
    assert.deepEqual(
      await lint(
        'src/modules/participation/fixture.ts',
        "import { sumNeedsOf } from '../people/index.ts';\nexport const x = sumNeedsOf;\n",
      ),
      [],
    );
    const fromPlatform = await lint(
      'src/platform/fixture.ts',
      "import { sumNeedsOf } from '../modules/people/index.ts';\nexport const x = sumNeedsOf;\n",
    );
    assert.match(fromPlatform[0]?.message ?? '', /platform may not import a module/);
  });
});
