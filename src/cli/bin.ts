#!/usr/bin/env node
/**
 * The `vbs-backup` executable, and (bundled into lib/hook/vbs-backup-hook.js) the hook executor
 * Terraform runs. Keep this import graph minimal: it is on the hook's cold-start path.
 */
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
