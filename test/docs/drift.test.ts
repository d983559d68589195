/**
 * The docs that the code checks (docs/architecture.md, README.md, CHANGELOG.md): every path they
 * cite is in the tree, ADR 1's table of hook commands names every command word of
 * src/contract/hook.ts and no other, and the CHANGELOG's export figures are the entry files'.
 * Each check is also run on a small tree made here where it must fail.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { HOOK_COMMANDS } from '../../src/contract/hook';
import { markdownFiles, missingCitations } from './doc-checks';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The package's entry points and the source files they are compiled from. */
const ENTRIES: Record<string, string> = {
  'cdktf-vbs-backup': 'src/index.ts',
  'cdktf-vbs-backup/client': 'src/client/index.ts',
  'cdktf-vbs-backup/emulator': 'src/emulator/index.ts',
};

describe('cited paths', () => {
  test('every src/, test/, scripts/, examples/ and bench/ path that docs/ and README.md cite is in the tree', () => {
    expect(missingCitations(ROOT, ['README.md', ...markdownFiles(ROOT, 'docs')])).toEqual([]);
  });

  test('fails on a tree where a cited path is gone (a file, a module, a pattern), and names where it is cited', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-docs-drift-'));
    try {
      for (const f of ['src/client/signer.ts', 'src/emulator/cbr-routes.ts', 'test/e2e/vault-busy.test.ts']) {
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), '');
      }
      fs.mkdirSync(path.join(root, 'docs'));
      fs.writeFileSync(path.join(root, 'docs', 'architecture.md'), [
        '| `src/emulator/` | imports `src/client/signer`, `src/contract` (`cbr-*.ts`) |',
        'See `src/emulator/cbr-*.ts`, test/e2e/vault-*.test.ts and src/core/contract.ts.',
        'The prefix (`src/core/contract.ts:86`), the e2e `test/e2e/vault-*.spec.ts`.',
      ].join('\n'));
      expect(missingCitations(root, markdownFiles(root, 'docs'))).toEqual([
        'docs/architecture.md:1: src/contract',
        'docs/architecture.md:2: src/core/contract.ts',
        'docs/architecture.md:3: src/core/contract.ts',
        'docs/architecture.md:3: test/e2e/vault-*.spec.ts',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('ADR 1: the table of hook commands', () => {
  /** The command words of the table's first column. */
  function tableCommands(markdown: string): string[] {
    const adr = markdown.slice(markdown.indexOf('## ADR 1:'), markdown.indexOf('\n## ADR 2:'));
    return [...adr.matchAll(/^\| `(hook-[a-z-]+)` \|/gm)].map((m) => m[1]);
  }

  test('names every command word of src/contract/hook.ts, once, and no other', () => {
    const documented = tableCommands(read('docs/architecture.md'));
    expect([...documented].sort()).toEqual([...new Set(Object.values(HOOK_COMMANDS))].sort());
  });

  test('a table that lacks a command word does not match', () => {
    const table = '## ADR 1: x\n| command | when |\n|---|---|\n| `hook-trigger` | create |\n\n## ADR 2: y\n';
    expect(tableCommands(table)).toEqual(['hook-trigger']);
    expect(tableCommands(table).sort()).not.toEqual([...new Set(Object.values(HOOK_COMMANDS))].sort());
  });
});

describe('CHANGELOG figures', () => {
  /** Each figure "`<entry>` exports ... (N names)" of the CHANGELOG, and every other "N names" in it. */
  function figures(changelog: string): { checked: { entry: string; names: number }[]; unchecked: string[] } {
    const text = changelog.replace(/\s*\n\s*/g, ' ');
    const figure = /`(cdktf-vbs-backup(?:\/[a-z]+)?)` exports [^.]*?\((\d+) names\)/g;
    const checked = [...text.matchAll(figure)].map((m) => ({ entry: m[1], names: Number(m[2]) }));
    const unchecked = [...text.replace(figure, '').matchAll(/[^.]*\d+ names\b[^.]*/g)].map((m) => m[0].trim());
    return { checked, unchecked };
  }

  /** The number of names each entry file exports, types included. */
  function exportCounts(): Record<string, number> {
    const files = Object.values(ENTRIES).map((f) => path.join(ROOT, f));
    const program = ts.createProgram(files, { skipLibCheck: true, types: [], noEmit: true });
    const checker = program.getTypeChecker();
    const counts: Record<string, number> = {};
    for (const [entry, file] of Object.entries(ENTRIES)) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, file)) as ts.SourceFile);
      counts[entry] = module === undefined ? 0 : checker.getExportsOfModule(module).length;
    }
    return counts;
  }

  test('every "exports ... (N names)" figure is the count of its entry file, and no other count of names stands unchecked', () => {
    const { checked, unchecked } = figures(read('CHANGELOG.md'));
    expect(unchecked).toEqual([]);
    const counts = exportCounts();
    expect(checked.map((f) => [f.entry, f.names])).toEqual(checked.map((f) => [f.entry, counts[f.entry]]));
  });

  test('a drifted or an unreadable figure is caught', () => {
    const { checked, unchecked } = figures('- `cdktf-vbs-backup/client` exports what programs call\n  (3 names). Removed: x.\n- The emulator has 10 names instead of 18.\n');
    expect(checked).toEqual([{ entry: 'cdktf-vbs-backup/client', names: 3 }]);
    expect(unchecked).toEqual(['- The emulator has 10 names instead of 18']);
  });
});
