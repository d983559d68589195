/**
 * globalSetup of the `unit` jest project (jest.config.js). The synth suites add the hook
 * executor, lib/hook/vbs-backup-hook.js, to each stack as an asset (src/core/executor.ts), so it
 * must exist even before `npm run build`. When it does not, it is bundled from the sources by
 * the build's own bundler (scripts/bundle-hook.js; esbuild reads the TypeScript entry). No unit
 * suite runs it: the CLI suites build and run their own copy (test/cli/support.ts).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export default function unitSetup(): void {
  const root = path.resolve(__dirname, '..', '..');
  const outfile = path.join(root, 'lib', 'hook', 'vbs-backup-hook.js');
  if (!fs.existsSync(outfile)) {
    execFileSync(process.execPath, [
      path.join(root, 'scripts', 'bundle-hook.js'), '--entry', path.join(root, 'src', 'cli', 'bin.ts'), '--outfile', outfile,
    ], { stdio: 'pipe' });
  }
}
