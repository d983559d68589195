/**
 * ESLint rules over the import graph of `src/` (`npm run lint` runs them; eslint.config.mjs):
 *
 * - `import-graph/no-cycle`: no file of `src/` reaches itself through imports, type-only ones
 *   included (`import type`, `export ... from`, `import()` types and calls, `require`). Each
 *   import that closes a cycle is reported with the cycle.
 * - `import-graph/layers`: a folder of `src/` imports only the folders {@link LAYERS} allows:
 *   the layering docs/architecture.md ("Layout") writes down, which test/docs/layers.test.ts
 *   compares with this table.
 *
 * Written here rather than taken from eslint-plugin-import-x (`no-cycle`): that plugin brings a
 * module resolver with a native binary and some twenty packages for what is, in this repository,
 * relative imports between `.ts` files. TypeScript's own `preProcessFile` lists a file's imports
 * of every kind; the graph of the ~150 files is built once per lint run.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

/**
 * What each folder of `src/` may import (besides itself, node built-ins and packages): a folder,
 * or one module of a folder (`client/signer`: src/client/signer.ts only). `.` is
 * `src/index.ts`. `cli` reaches `emulator` only through an `import()` inside the `emulator`
 * command (src/cli/cmd-emulator.ts), which still counts here.
 */
const LAYERS = {
  contract: [],
  hook: [],
  client: ['contract'],
  emulator: ['client/signer', 'contract'],
  cli: ['client', 'contract', 'emulator'],
  core: ['contract'],
  trigger: ['core', 'contract'],
  policy: ['core', 'contract', 'trigger'],
  vault: ['core', 'contract', 'trigger'],
  '.': ['policy', 'vault', 'trigger', 'core'],
};

/** The `.ts` file a relative specifier of `from` names, or undefined (a package, or not found). */
function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Every import of `file` that names a `.ts` file: `{ target, pos, end }` (the specifier's span). */
function importsOf(file, text = fs.readFileSync(file, 'utf8')) {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => ({ target: resolveImport(file, imported.fileName), pos: imported.pos, end: imported.end }))
    .filter((imported) => imported.target !== undefined);
}

function tsFilesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/**
 * The strongly connected components of the import graph of the `.ts` files under `root`
 * (Tarjan): a map from each file in a cycle to the files of its component.
 */
function cyclesUnder(root) {
  const files = tsFilesUnder(root);
  const edges = new Map(files.map((file) => [file, [...new Set(importsOf(file).map((i) => i.target))]]));
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const component = new Map();
  let counter = 0;
  const visit = (file) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file), index.get(next)));
      }
    }
    if (low.get(file) === index.get(file)) {
      const members = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        members.push(member);
      } while (member !== file);
      const cyclic = members.length > 1 || (edges.get(file) ?? []).includes(file);
      if (cyclic) for (const m of members) component.set(m, new Set(members));
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return { component, edges };
}

/** A shortest path of imports from `from` to `to` inside one component, for the message. */
function pathWithin(edges, members, from, to) {
  const previous = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === to && previous.size > 1) break;
    for (const next of edges.get(file) ?? []) {
      if (members.has(next) && !previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  const hops = [to];
  for (let at = previous.get(to); at !== undefined; at = previous.get(at)) hops.unshift(at);
  return hops;
}

/** The `src/` folder of the lint run: the nearest `src` above the file. */
function srcRootOf(file) {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('src');
  return at < 0 ? undefined : parts.slice(0, at + 1).join(path.sep);
}

const graphs = new Map();
function graphFor(root) {
  if (!graphs.has(root)) graphs.set(root, cyclesUnder(root));
  return graphs.get(root);
}

/** The folder of `src/` a file is in (`.` for a file directly in it). */
function folderOf(root, file) {
  const relative = path.relative(root, file).split(path.sep);
  return relative.length === 1 ? '.' : relative[0];
}

const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'no import cycle between the files of src/, type-only imports included' },
    schema: [],
    messages: { cycle: 'import cycle: {{cycle}} (type-only imports count too; see docs/architecture.md, Layout)' },
  },
  create(context) {
    const file = context.filename;
    const root = srcRootOf(file);
    if (root === undefined || !file.endsWith('.ts')) return {};
    return {
      Program() {
        const { component, edges } = graphFor(root);
        const members = component.get(file);
        if (members === undefined) return;
        const source = context.sourceCode;
        for (const imported of importsOf(file, source.text)) {
          if (!members.has(imported.target)) continue;
          const cycle = [file, ...pathWithin(edges, members, imported.target, file)].map((f) => path.relative(path.dirname(root), f));
          context.report({
            loc: { start: source.getLocFromIndex(imported.pos), end: source.getLocFromIndex(imported.end) },
            messageId: 'cycle',
            data: { cycle: cycle.join(' -> ') },
          });
        }
      },
    };
  },
};

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'a folder of src/ imports only the folders below it (docs/architecture.md, Layout)' },
    schema: [],
    messages: { layer: 'src/{{from}} may not import src/{{to}} (allowed: {{allowed}}; docs/architecture.md, Layout)' },
  },
  create(context) {
    const file = context.filename;
    const root = srcRootOf(file);
    if (root === undefined || !file.endsWith('.ts')) return {};
    return {
      Program() {
        const from = folderOf(root, file);
        const allowed = LAYERS[from];
        const source = context.sourceCode;
        for (const imported of importsOf(file, source.text)) {
          const to = folderOf(root, imported.target);
          const toModule = path.relative(root, imported.target).split(path.sep).join('/').replace(/\.ts$/, '');
          if (to === from || (allowed !== undefined && (allowed.includes(to) || allowed.includes(toModule)))) continue;
          context.report({
            loc: { start: source.getLocFromIndex(imported.pos), end: source.getLocFromIndex(imported.end) },
            messageId: 'layer',
            data: { from: from === '.' ? 'index.ts' : from, to, allowed: allowed && allowed.length > 0 ? allowed.map((f) => `src/${f}`).join(', ') : 'nothing' },
          });
        }
      },
    };
  },
};

module.exports = { LAYERS, cyclesUnder, plugin: { meta: { name: 'import-graph' }, rules: { 'no-cycle': noCycle, layers } } };
