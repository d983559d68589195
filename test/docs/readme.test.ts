/**
 * Every ```ts block of README.md type-checks against the built library (lib/, imported by the
 * package name as users do), strictly.
 *
 * A block that is a fragment says what it assumes in an HTML comment right before it:
 *
 *     <!-- readme-check
 *     import { Construct } from 'constructs';
 *     declare const scope: Construct;
 *     -->
 *
 * The comment's lines are put before the block's code. `<!-- readme-check frameworks: cdktf cdktn -->`
 * checks the block once per framework, its `from 'cdktf'` and `from 'cdktn'` imports read as
 * `from '<framework>'`.
 * A block without a comment must compile as it is.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const README = path.join(ROOT, 'README.md');

/** One ```ts block and what its comment declares. */
interface Block {
  /** 1-based line of the block's first code line in README.md. */
  readonly line: number;
  readonly code: string;
  readonly preamble: string;
  readonly frameworks: readonly string[];
  /** The `## ` section it is in. */
  readonly section: string;
}

function readBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## ')) section = lines[i].slice(3).trim();
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].startsWith('```')) end++;
    // the comment, if any, ends on the line right before the fence
    let preamble = '';
    let frameworks = ['cdktf'];
    if (i > 0 && lines[i - 1].trim().endsWith('-->')) {
      let open = i - 1;
      while (open >= 0 && !lines[open].includes('<!--')) open--;
      const comment = lines.slice(open, i).join('\n').replace(/^\s*<!--/, '').replace(/-->\s*$/, '');
      const [head, ...rest] = comment.split('\n');
      const match = /^\s*readme-check(?:\s+frameworks:\s*([\w ]+?))?\s*$/.exec(head);
      if (!match) throw new Error(`README.md:${open + 1}: a comment before a ts block must start with "readme-check"`);
      if (match[1]) frameworks = match[1].split(/\s+/);
      preamble = rest.join('\n');
    }
    blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n'), preamble, frameworks, section });
    i = end;
  }
  return blocks;
}

const blocks = readBlocks(fs.readFileSync(README, 'utf8'));

test('the README has TypeScript blocks, and the quickstart assumes nothing', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  const quickstart = blocks.filter((b) => b.section === 'Quickstart');
  expect(quickstart).toHaveLength(1);
  expect(quickstart[0].preamble.trim()).toBe('');
  expect(quickstart[0].frameworks).toEqual(['cdktf', 'cdktn']);
});

test('every TypeScript block of the README type-checks against the built library', () => {
  for (const built of ['index.d.ts', 'client/index.d.ts', 'emulator/index.d.ts']) {
    if (!fs.existsSync(path.join(ROOT, 'lib', built))) throw new Error(`lib/${built} is missing: run \`npm run build\` first (\`npm test\` does)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-readme-'));
  try {
    const files: { file: string; block: Block; offset: number }[] = [];
    blocks.forEach((block, index) => {
      for (const framework of block.frameworks) {
        const code = block.code.replace(/from 'cdkt[fn]'/g, `from '${framework}'`);
        const file = path.join(dir, `block-${index + 1}-${framework}.ts`);
        const head = block.preamble === '' ? '' : `${block.preamble}\n`;
        // every block is its own module (`export {}`), so names do not clash between blocks
        fs.writeFileSync(file, `${head}${code}\nexport {};\n`);
        files.push({ file, block, offset: head === '' ? 0 : head.split('\n').length - 1 });
      }
    });
    const program = ts.createProgram(files.map((f) => f.file), {
      target: ts.ScriptTarget.ES2022,
      // ES2022 modules: a block may use top-level await (as a reader runs it inside an async function)
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      baseUrl: ROOT,
      paths: {
        'cdktf-vbs-backup': ['lib/index.d.ts'],
        'cdktf-vbs-backup/client': ['lib/client/index.d.ts'],
        'cdktf-vbs-backup/emulator': ['lib/emulator/index.d.ts'],
        // everything else (cdktf, cdktn, constructs) from the repo's node_modules, as in an app
        '*': ['node_modules/*', 'node_modules/@types/*'],
      },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const where = files.find((f) => f.file === d.file?.fileName);
      if (!where || d.start === undefined || !d.file) return message;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const inBlock = line - where.offset;
      const framework = path.basename(where.file, '.ts').split('-').pop();
      return inBlock < 0
        ? `README.md:${where.block.line} (${framework}, in its readme-check comment): ${message}`
        : `README.md:${where.block.line + inBlock} (${framework}): ${message}`;
    });
    expect(problems).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
