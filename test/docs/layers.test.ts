/**
 * The import rules of `npm run lint` (scripts/eslint-import-rules.js): the layering they
 * enforce is the one docs/architecture.md writes down, `src/` passes them, and they do fail, on
 * small trees of files made here, for a type-only cycle, a cycle through `export ... from`, and
 * an import a layer does not allow.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ESLint, Linter } from 'eslint';
import { parser as tsParser } from 'typescript-eslint';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the lint rules are a CommonJS script of the repo, not a typed module
const rules = require('../../scripts/eslint-import-rules.js') as {
  LAYERS: Record<string, string[]>;
  cyclesUnder(root: string): { component: Map<string, Set<string>> };
  plugin: ESLint.Plugin;
};

const ROOT = path.resolve(__dirname, '..', '..');

/** The "may import" column of docs/architecture.md's Layout table: the `src/<folder>` (or `src/<folder>/<module>`) it names, per folder. */
function documentedLayers(): Record<string, string[]> {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const layout = text.slice(text.indexOf('## Layout'), text.indexOf('\n## ', text.indexOf('## Layout') + 1));
  const layers: Record<string, string[]> = {};
  for (const line of layout.split('\n')) {
    const row = /^\| `src\/([a-z]+\/|index\.ts)` \|[^|]*\|(.*)\|$/.exec(line);
    if (!row) continue;
    const folder = row[1] === 'index.ts' ? '.' : row[1].slice(0, -1);
    layers[folder] = [...new Set([...row[2].matchAll(/`src\/([a-z]+(?:\/[a-z-]+)?)`/g)].map((m) => m[1]))].sort();
  }
  return layers;
}

/** Lints the `.ts` files of a tree made of `files` (paths under `src/`) with only the two import rules. */
function lintTree(files: Record<string, string>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-layers-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, 'src', file)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', file), text);
    }
    const linter = new Linter({ cwd: dir });
    const config: Linter.Config[] = [
      {
        files: ['src/**/*.ts'],
        languageOptions: { parser: tsParser as Linter.Parser },
        plugins: { 'import-graph': rules.plugin },
        rules: { 'import-graph/no-cycle': 'error', 'import-graph/layers': 'error' },
      },
    ];
    return Object.keys(files)
      .flatMap((file) => {
        const filename = path.join(dir, 'src', file);
        return linter.verify(fs.readFileSync(filename, 'utf8'), config, { filename }).map((m) => `src/${file}:${m.line}: ${m.message}`);
      })
      .sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("the lint rule's layers are the ones docs/architecture.md writes down", () => {
  const enforced = Object.fromEntries(Object.entries(rules.LAYERS).map(([folder, allowed]) => [folder, [...allowed].sort()]));
  expect(documentedLayers()).toEqual(enforced);
  // every folder of src/ has a row
  const folders = fs.readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  expect(Object.keys(enforced).filter((f) => f !== '.').sort()).toEqual(folders.sort());
});

test('src/ has no import cycle, type-only imports included', () => {
  expect([...rules.cyclesUnder(path.join(ROOT, 'src')).component.keys()]).toEqual([]);
});

test('a cycle made only of type imports and re-exports fails lint, naming it at each import that closes it', () => {
  const messages = lintTree({
    'trigger/a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
    'trigger/b.ts': "export type { C as B } from './c';\n",
    'trigger/c.ts': "import type { A } from './a';\nexport interface C { a?: A }\n",
    'trigger/d.ts': "import type { A } from './a';\nexport type D = A;\n",
  });
  expect(messages).toEqual([
    'src/trigger/a.ts:1: import cycle: src/trigger/a.ts -> src/trigger/b.ts -> src/trigger/c.ts -> src/trigger/a.ts (type-only imports count too; see docs/architecture.md, Layout)',
    'src/trigger/b.ts:1: import cycle: src/trigger/b.ts -> src/trigger/c.ts -> src/trigger/a.ts -> src/trigger/b.ts (type-only imports count too; see docs/architecture.md, Layout)',
    'src/trigger/c.ts:1: import cycle: src/trigger/c.ts -> src/trigger/a.ts -> src/trigger/b.ts -> src/trigger/c.ts (type-only imports count too; see docs/architecture.md, Layout)',
  ]);
});

test('a cycle between folders (an `import()` type and a lazy require count) fails lint; so does an import the layers do not allow', () => {
  const messages = lintTree({
    'policy/policy.ts': "export const make = (): typeof import('../trigger/t') => require('../trigger/t');\n",
    'trigger/t.ts': "import type { make } from '../policy/policy';\nexport type M = typeof make;\n",
    'contract/hook.ts': "import { x } from '../core/x';\nexport const y = x;\n",
    'core/x.ts': 'export const x = 1;\n',
  });
  expect(messages).toEqual([
    'src/contract/hook.ts:1: src/contract may not import src/core (allowed: nothing; docs/architecture.md, Layout)',
    'src/policy/policy.ts:1: import cycle: src/policy/policy.ts -> src/trigger/t.ts -> src/policy/policy.ts (type-only imports count too; see docs/architecture.md, Layout)',
    'src/policy/policy.ts:1: import cycle: src/policy/policy.ts -> src/trigger/t.ts -> src/policy/policy.ts (type-only imports count too; see docs/architecture.md, Layout)',
    'src/trigger/t.ts:1: import cycle: src/trigger/t.ts -> src/policy/policy.ts -> src/trigger/t.ts (type-only imports count too; see docs/architecture.md, Layout)',
    'src/trigger/t.ts:1: src/trigger may not import src/policy (allowed: src/core, src/contract; docs/architecture.md, Layout)',
  ]);
});

test('a layer that allows one module of a folder refuses the folder\'s other modules (the emulator takes only src/client/signer)', () => {
  const messages = lintTree({
    'emulator/auth.ts': "import { sign } from '../client/signer';\nimport { VbsError } from '../client/errors';\nexport const a = [sign, VbsError];\n",
    'client/signer.ts': 'export const sign = 1;\n',
    'client/errors.ts': 'export const VbsError = 2;\n',
  });
  expect(messages).toEqual(['src/emulator/auth.ts:2: src/emulator may not import src/client (allowed: src/client/signer, src/contract; docs/architecture.md, Layout)']);
});
