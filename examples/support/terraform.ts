/**
 * Runs the real `terraform` binary offline: for the quickstart demo, the benchmarks and the
 * end-to-end suites.
 *
 * Every run gets its own CLI config (an empty file), CHECKPOINT_DISABLE and a data dir inside its
 * own temp folder, so nothing from the machine's Terraform setup leaks in. Providers cannot be
 * downloaded here, so stacks under test use `terraform_data` hooks only.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The part of `terraform show -json` that is read here. */
export interface TerraformShow {
  readonly values?: { readonly root_module?: { readonly resources?: unknown[] } };
}

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, ANSI-free (Terraform runs with -no-color). */
  readonly output: string;
}

let cachedVersion: string | undefined;

/**
 * The version line of the `terraform` on the PATH. When there is none this throws, loudly:
 * the end-to-end suite must never pass without having run (in CI or anywhere else).
 */
export function requireTerraform(): string {
  if (cachedVersion) return cachedVersion;
  try {
    cachedVersion = execFileSync('terraform', ['version'], {
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    }).split('\n')[0];
  } catch (err) {
    const banner = '!'.repeat(78);
    const msg =
      `\n${banner}\nTERRAFORM NOT FOUND: the end-to-end suite needs terraform >= 1.4 on the PATH ` +
      `(terraform_data hooks).\nInstall it and run again; this suite does not pass without it` +
      `${process.env.CI ? ' (CI=true)' : ''}.\n${banner}\n`;
    process.stderr.write(msg);
    throw new Error(`terraform not found on PATH: ${(err as Error).message}`);
  }
  return cachedVersion;
}

/** A temp folder that is removed by `dispose()`. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** Terraform in one working directory with an isolated environment. */
export class Terraform {
  private readonly home: string;
  private readonly baseEnv: NodeJS.ProcessEnv;

  /**
   * @param dir the stack directory (where cdk.tf.json is)
   * @param env extra variables for terraform and the hooks it runs (VBS_ENDPOINT, credentials...)
   */
  constructor(public readonly dir: string, env: Record<string, string | undefined> = {}) {
    requireTerraform();
    this.home = makeTempDir('vbs-tf-home');
    const rc = path.join(this.home, 'terraformrc');
    fs.writeFileSync(rc, '');
    this.baseEnv = {
      PATH: process.env.PATH,
      HOME: this.home,
      TMPDIR: os.tmpdir(),
      TF_CLI_CONFIG_FILE: rc,
      TF_DATA_DIR: path.join(this.home, 'data'),
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      ...env,
    };
  }

  init(): Promise<TerraformResult> {
    return this.run(['init', '-input=false', '-no-color']);
  }

  apply(extra: string[] = []): Promise<TerraformResult> {
    return this.run(['apply', '-auto-approve', '-input=false', '-no-color', ...extra]);
  }

  destroy(extra: string[] = []): Promise<TerraformResult> {
    return this.run(['destroy', '-auto-approve', '-input=false', '-no-color', ...extra]);
  }

  plan(extra: string[] = []): Promise<TerraformResult> {
    return this.run(['plan', '-input=false', '-no-color', '-detailed-exitcode', ...extra]);
  }

  /** `terraform show -json` of the current state. */
  async state(): Promise<TerraformShow> {
    const r = await this.run(['show', '-json', '-no-color']);
    if (r.code !== 0) throw new Error(`terraform show failed:\n${r.output}`);
    return JSON.parse(r.stdout) as TerraformShow;
  }

  /** Runs terraform with the isolated environment (plus `env` for this run only). */
  run(args: string[], env: Record<string, string | undefined> = {}): Promise<TerraformResult> {
    return this.start(args, env).result;
  }

  /**
   * Starts terraform as {@link run} does, and hands back the process too: for tests that signal
   * it (Ctrl-C is SIGINT to `terraform apply`).
   */
  start(args: string[], env: Record<string, string | undefined> = {}): { child: ChildProcess; result: Promise<TerraformResult> } {
    const child = spawn('terraform', args, { cwd: this.dir, env: { ...this.baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const result = new Promise<TerraformResult>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; output += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; output += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, output }));
    });
    return { child, result };
  }

  dispose(): void {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
