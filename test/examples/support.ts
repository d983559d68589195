/** Support of the example suites: deploy an example against the suite's emulator, always cleaned up. */
import type { Emulator } from 'cdktf-vbs-backup/emulator';
import { DeployedExample } from '../../examples/support/deploy';
import { FrameworkName } from '../../examples/support/frameworks';

/** Synthesizes the example `name` against `emulator`, runs `body` with it, and always disposes of it (temp folders removed). */
export async function withExample<F extends FrameworkName = 'cdktf'>(
  emulator: Emulator,
  name: string,
  build: Parameters<typeof DeployedExample.synth<F>>[2],
  body: (d: DeployedExample<F>) => Promise<void>,
  flavour: Parameters<typeof DeployedExample.synth<F>>[3] = {},
): Promise<void> {
  const deployed = DeployedExample.synth(name, emulator, build, flavour);
  try {
    await body(deployed);
  } finally {
    deployed.dispose();
  }
}
