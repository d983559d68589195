/**
 * What the `npm run demo*` scripts share: printing, the lines of Terraform's output worth showing,
 * and running a demo's `main` to an exit code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Terraform, TerraformResult } from './terraform';

/** Prints one line of the demo's story. */
export function say(line = ''): void {
  process.stdout.write(line + '\n');
}

/** Terraform's lines worth showing: what the hooks printed, and the summaries. */
export function showTerraform(r: TerraformResult): void {
  for (const line of r.output.split('\n')) {
    const hook = /\(local-exec\): (.*)$/.exec(line);
    if (hook && !hook[1].startsWith('Executing:')) say(`   | ${hook[1]}`);
    else if (/^(Apply complete|Destroy complete|Error:)/.test(line.trim())) say(`   ${line.trim()}`);
  }
}

/** Runs a demo: exits with the code `main` gives, or 1 with `<name> failed: <message>`. */
export function runDemo(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`${name} failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}

/**
 * Terraform in `stackDir` with `env`, its local state from an earlier demo removed, initialized
 * (no provider to download); throws with Terraform's output when the init fails.
 */
export async function freshTerraform(stackDir: string, env: Record<string, string>): Promise<Terraform> {
  const tf = new Terraform(stackDir, env);
  fs.rmSync(path.join(stackDir, 'terraform.tfstate'), { force: true });
  const init = await tf.init();
  if (init.code !== 0) {
    tf.dispose();
    throw new Error(`terraform init failed:\n${init.output}`);
  }
  return tf;
}
