/**
 * Checks of the docs against the tree they describe, written as functions of a root folder so
 * that the tests run them on this repository and on small fixture trees that must fail
 * (test/docs/drift.test.ts, test/docs/links.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folders of the repository whose paths the docs cite. */
const CITED = /(?<![\w./-])((?:src|test|scripts|examples|bench)\/[A-Za-z0-9_.*/-]*)/g;

/** Markdown files under `dir` (relative to `root`), recursively. */
export function markdownFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.name.endsWith('.md')) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/** Whether a cited path (a file, a folder, a module without `.ts`, or a `*` pattern in its last part) exists under `root`. */
export function citedPathExists(root: string, cited: string): boolean {
  const clean = cited.replace(/\/+$/, '');
  if (clean.includes('*')) {
    const dir = path.posix.dirname(clean);
    if (dir.includes('*') || !fs.existsSync(path.join(root, dir))) return false;
    const pattern = new RegExp(`^${path.posix.basename(clean).split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    return fs.readdirSync(path.join(root, dir)).some((name) => pattern.test(name));
  }
  return fs.existsSync(path.join(root, clean)) || fs.existsSync(path.join(root, `${clean}.ts`));
}

/** Every `src/...`, `test/...`, `scripts/...`, `examples/...` or `bench/...` path cited in `files` that is not in the tree: `file:line: path`. */
export function missingCitations(root: string, files: readonly string[]): string[] {
  const missing: string[] = [];
  for (const file of files) {
    fs.readFileSync(path.join(root, file), 'utf8').split('\n').forEach((line, i) => {
      for (const m of line.matchAll(CITED)) {
        const cited = m[1].replace(/[.,]+$/, '');
        if (!citedPathExists(root, cited)) missing.push(`${file}:${i + 1}: ${cited}`);
      }
    });
  }
  return missing;
}

/** The lines of `markdown` outside fenced code blocks, with their line numbers (1-based). */
export function proseLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, i) => {
    const opener = /^\s*(`{3,}|~{3,})/.exec(text);
    if (opener) {
      if (fence === undefined) fence = opener[1][0];
      else if (opener[1][0] === fence) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line: i + 1, text });
  });
  return out;
}

/**
 * The anchors of the headings of `markdown`, as GitHub makes them: lower case, inline code and
 * link marks dropped, every character but letters, digits, `_`, `-` and spaces removed, spaces
 * turned into `-`; a repeated anchor gets `-1`, `-2`, ...
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!h) continue;
    const base = h[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/**
 * The links of the markdown file `file` (relative to `root`) that lead nowhere: an in-page
 * `#anchor` that no heading makes, or a relative file link whose file is not there (its own
 * `#anchor` checked too when it is a markdown file). Links inside code are not links.
 * External (`https:`, `mailto:`) links are not checked here: there is no network.
 */
export function brokenLinks(root: string, file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const anchors = headingAnchors(text);
  const broken: string[] = [];
  for (const { line, text: prose } of proseLines(text)) {
    const withoutCode = prose.replace(/`[^`]*`/g, '');
    for (const m of withoutCode.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [filePart, anchor] = target.split('#', 2) as [string, string | undefined];
      if (filePart === '') {
        if (anchor === undefined || !anchors.has(decodeURIComponent(anchor))) broken.push(`${file}:${line}: ${target} (no heading makes that anchor)`);
        continue;
      }
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(filePart)));
      if (resolved.startsWith('..') || !fs.existsSync(path.join(root, resolved))) {
        broken.push(`${file}:${line}: ${target} (no such file)`);
      } else if (anchor !== undefined && resolved.endsWith('.md') && !headingAnchors(fs.readFileSync(path.join(root, resolved), 'utf8')).has(anchor)) {
        broken.push(`${file}:${line}: ${target} (${resolved} has no heading making that anchor)`);
      }
    }
  }
  return broken;
}
