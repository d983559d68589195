/**
 * The hook executor the synths ship as an asset, lib/hook/vbs-backup-hook.js (src/core/executor.ts),
 * kept in step with its sources for jest runs: when it is missing, or older than any file of the
 * hook path (src/cli, src/client, src/contract: the only folders the CLI may import, see
 * docs/architecture.md "Layout"), it is bundled again from the TypeScript sources by the build's
 * own bundler (scripts/bundle-hook.js), and a line on stderr says why. Without this, a jest run
 * of an end-to-end suite after an edit under src/cli would run the old hook and say nothing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** The folders whose files go into the bundle (the hook path). */
export const HOOK_SOURCE_DIRS: readonly string[] = ['src/cli', 'src/client', 'src/contract'];
export const HOOK_BUNDLE = path.join(ROOT, 'lib', 'hook', 'vbs-backup-hook.js');

/** The newest file under `dirs` (relative to `root`), or undefined when there is none. */
export function newestSource(root: string, dirs: readonly string[]): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const mtimeMs = fs.statSync(full).mtimeMs;
        if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { file: full, mtimeMs };
      }
    }
  };
  for (const dir of dirs) walk(path.join(root, dir));
  return newest;
}

/**
 * Why the bundle at `bundle` must be made again from the sources under `root`, or undefined
 * when it is current.
 */
export function staleReason(root: string, bundle: string, dirs: readonly string[] = HOOK_SOURCE_DIRS): string | undefined {
  const rel = (file: string): string => path.relative(root, file).split(path.sep).join('/');
  if (!fs.existsSync(bundle)) return `${rel(bundle)} is missing`;
  const built = fs.statSync(bundle).mtimeMs;
  const newest = newestSource(root, dirs);
  if (newest !== undefined && newest.mtimeMs > built) return `${rel(bundle)} is older than ${rel(newest.file)}`;
  return undefined;
}

/** Bundles the hook again from src/cli/bin.ts when it is missing or stale; says so on stderr. */
export function ensureHookBundle(): void {
  const reason = staleReason(ROOT, HOOK_BUNDLE);
  if (reason === undefined) return;
  process.stderr.write(`\njest set-up: ${reason}: bundling it from src/cli/bin.ts (only the hook: \`npm run build\` makes the rest of lib/)\n`);
  execFileSync(process.execPath, [
    path.join(ROOT, 'scripts', 'bundle-hook.js'), '--entry', path.join(ROOT, 'src', 'cli', 'bin.ts'), '--outfile', HOOK_BUNDLE,
  ], { stdio: 'pipe' });
}
