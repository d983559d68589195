/**
 * globalSetup of both jest projects (jest.config.js). The synth suites add the hook executor,
 * lib/hook/vbs-backup-hook.js, to each stack as an asset (src/core/executor.ts), and the
 * end-to-end suites run it under terraform, so it must exist even before `npm run build` and be
 * no older than its sources: test/support/hook-bundle.ts bundles it again when it is missing or
 * stale, and says so. The CLI suites build and run their own copy (test/cli/support.ts).
 */
import { ensureHookBundle } from './hook-bundle';

export default function unitSetup(): void {
  ensureHookBundle();
}
