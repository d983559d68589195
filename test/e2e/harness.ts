/**
 * End-to-end harness: real `terraform` (through examples/support/terraform.ts, isolated
 * environment) applying stacks synthesized by this library, with `terraform_data` hooks that
 * run the built executor (lib/hook/vbs-backup-hook.js, made by `npm run build`) against the
 * embedded emulator, started in-process. Stacks are built with cdktf or cdktn and synthesized
 * as JSON or HCL (examples/support/frameworks.ts), in-process: no framework CLI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Credentials, VbsClient } from '../../src/client';
import { EmulatedPolicy, Emulator, EmulatorOptions, startEmulator } from '../../src/emulator';
import { Terraform, TerraformResult, makeTempDir, requireTerraform } from '../../examples/support/terraform';
import { StackBuilder, synthStack } from '../../examples/support/synth';
import { FLAVOURS, Flavour, configFile, flavourName } from '../../examples/support/frameworks';
import { endRunsWhenWaitedForIn } from '../support/end-runs';

export { Terraform, TerraformResult, makeTempDir, requireTerraform };
export { FLAVOURS, Flavour, flavourName };

/** Project every e2e stack works in. */
export const PROJECT_ID = 'e2e0aaaabbbbccccddddeeeeffff0001';
/** Region the hooks are told (the endpoint comes from VBS_ENDPOINT). */
export const REGION = 'eu-de';
/** The token the emulator accepts in the ordinary suites. */
export const TOKEN = 'e2e-suite-token';
/** Volume ids (the emulator accepts any UUID as a volume). */
export const VOLUMES = [
  '11111111-1111-4111-8111-111111111111',
  '22222222-2222-4222-8222-222222222222',
  '33333333-3333-4333-8333-333333333333',
] as const;

const ROOT = path.resolve(__dirname, '..', '..');
const HOOK_BUNDLE = path.join(ROOT, 'lib', 'hook', 'vbs-backup-hook.js');

/**
 * Fails loudly unless terraform is on the PATH and the hook bundle is built: the suite never
 * passes without having run.
 */
export function requirePrerequisites(): void {
  requireTerraform();
  if (!fs.existsSync(HOOK_BUNDLE)) {
    throw new Error(`the hook bundle ${HOOK_BUNDLE} is missing: run \`npm run build\` first (\`npm test\` and \`npm run test:e2e\` do)`);
  }
}

/**
 * Starts an emulator that accepts {@link TOKEN} (plus `options`), with instant jobs by default,
 * after checking the prerequisites (fails loudly without terraform or the built hook).
 */
export function startE2eEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  requirePrerequisites();
  return startEmulator({ tokens: [TOKEN], jobSeconds: 0, projectIds: [PROJECT_ID], ...options });
}

/** A client of the e2e project on `emulator`, for arranging policies the stacks import. */
export function apiClient(emulator: Emulator): VbsClient {
  return new VbsClient({ endpoint: emulator.url, region: REGION, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) });
}

/** The apply environment: where the APIs are (VBS and CBR: one emulator), and a token (override any of it with `extra`). */
export function apiEnv(emulator: Emulator, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { VBS_ENDPOINT: emulator.url, CBR_ENDPOINT: emulator.url, HW_REGION_NAME: REGION, HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN, ...extra };
}

export { synthStack };
export type { StackBuilder };

/** The policies of the e2e project with this name. */
export function policiesNamed(emulator: Emulator, name: string): EmulatedPolicy[] {
  return emulator.policies(PROJECT_ID).filter((p) => p.backup_policy_name === name);
}

/** The one policy with this name; throws (listing what exists) when there is not exactly one. */
export function policyNamed(emulator: Emulator, name: string): EmulatedPolicy {
  const found = policiesNamed(emulator, name);
  if (found.length !== 1) {
    const names = emulator.policies(PROJECT_ID).map((p) => p.backup_policy_name);
    throw new Error(`expected exactly one policy named ${name}, found ${found.length}; policies: ${names.join(', ')}`);
  }
  return found[0];
}

/** Throws with Terraform's whole output unless the run succeeded. */
export function ok(result: TerraformResult, what: string): TerraformResult {
  if (result.code !== 0) throw new Error(`${what} failed with exit code ${result.code}:\n${result.output}`);
  return result;
}

/** Throws with Terraform's whole output unless the run failed (exit code 1). */
export function failed(result: TerraformResult, what: string): TerraformResult {
  if (result.code !== 1) throw new Error(`${what} was expected to fail (exit 1) but exited ${result.code}:\n${result.output}`);
  return result;
}

/** A resource of `terraform show -json`'s root module. */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly tainted?: boolean;
  readonly values: Record<string, unknown>;
}

/**
 * One stack under test: synthesized into its own temp folder, initialised once, re-synthesized
 * in place (new configuration and assets, same state and Terraform data dir) for changes. Built
 * with cdktf into JSON unless a flavour says otherwise (cdktn, HCL).
 */
export class StackUnderTest {
  /** Synthesizes, creates the Terraform runner and runs `terraform init`. */
  static async create(
    name: string,
    env: Record<string, string | undefined>,
    build: StackBuilder,
    flavour: Flavour = {},
  ): Promise<StackUnderTest> {
    requirePrerequisites();
    const root = makeTempDir(`vbs-e2e-${name}`);
    const dir = synthStack(path.join(root, 'out'), name, build, flavour);
    const tf = new Terraform(dir, env);
    const sut = new StackUnderTest(name, root, dir, tf, flavour);
    try {
      ok(await tf.init(), `terraform init of ${name}`);
    } catch (err) {
      sut.dispose();
      throw err;
    }
    return sut;
  }

  private synths = 0;

  private constructor(
    /** Stack name (the first part of every construct path). */
    readonly name: string,
    /** Temp folder holding everything of this stack; removed by `dispose()`. */
    readonly root: string,
    /** The stack directory Terraform runs in. */
    readonly dir: string,
    /** Terraform in `dir`. */
    readonly tf: Terraform,
    /** The framework and output it is synthesized with. */
    readonly flavour: Flavour,
  ) {}

  /** The configuration file Terraform reads: `cdk.tf.json`, or `cdk.tf` for HCL. */
  get configFile(): string {
    return configFile(this.flavour);
  }

  /**
   * Synthesizes a changed stack and puts its configuration and assets in place of the current
   * ones; `flavour` (same output) synthesizes it with another framework or context.
   */
  resynth(build: StackBuilder, flavour: Flavour = this.flavour): void {
    if (configFile(flavour) !== this.configFile) throw new Error('resynth keeps the output (JSON or HCL) of the stack');
    this.synths += 1;
    const fresh = synthStack(path.join(this.root, `resynth-${this.synths}`), this.name, build, flavour);
    fs.rmSync(path.join(this.dir, 'assets'), { recursive: true, force: true });
    fs.cpSync(path.join(fresh, 'assets'), path.join(this.dir, 'assets'), { recursive: true });
    fs.copyFileSync(path.join(fresh, this.configFile), path.join(this.dir, this.configFile));
  }

  /** `terraform validate` of the configuration. */
  validate(): Promise<TerraformResult> {
    return this.tf.run(['validate', '-no-color']);
  }

  apply(extra: string[] = []): Promise<TerraformResult> {
    return this.tf.apply(extra);
  }

  destroy(): Promise<TerraformResult> {
    return this.tf.destroy();
  }

  /** `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  plan(): Promise<TerraformResult> {
    return this.tf.plan();
  }

  /** The root module's resources from `terraform show -json`. */
  async resources(): Promise<StateResource[]> {
    const state = await this.tf.state();
    return (state.values?.root_module?.resources ?? []) as StateResource[];
  }

  /** The one `terraform_data` resource whose name contains `part` (e.g. `_Run_`). */
  async resource(part: string): Promise<StateResource> {
    const all = await this.resources();
    const found = all.filter((r) => r.type === 'terraform_data' && r.name.includes(part));
    if (found.length !== 1) {
      throw new Error(`expected one terraform_data named *${part}*, found ${found.length}: ${all.map((r) => r.address).join(', ')}`);
    }
    return found[0];
  }

  /** The raw local state file's text ('' when there is none). */
  rawState(): string {
    const file = path.join(this.dir, 'terraform.tfstate');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  /** The synthesized configuration's text (cdk.tf.json, or cdk.tf for HCL). */
  synthesized(): string {
    return fs.readFileSync(path.join(this.dir, this.configFile), 'utf8');
  }

  /** Removes the temp folders. */
  dispose(): void {
    this.tf.dispose();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Creates a stack, runs `body`, and always disposes of it (temp folders removed). The stack's
 * cloud side is left to the emulator, which the suite stops.
 */
export async function withStack(
  name: string,
  env: Record<string, string | undefined>,
  build: StackBuilder,
  body: (sut: StackUnderTest) => Promise<void>,
  flavour: Flavour = {},
): Promise<void> {
  const sut = await StackUnderTest.create(name, env, build, flavour);
  try {
    await body(sut);
  } finally {
    sut.dispose();
  }
}

/** The lines a hook printed (`(local-exec): ...`), without Terraform's `Executing:` lines. */
export function hookLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => /\(local-exec\): (.*)$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined && !line.startsWith('Executing:'));
}

/** A job time no end-to-end test waits out: the test ends the runs itself (`finishJobs`). */
export const HOUR = 3600;

/** {@link endRunsWhenWaitedForIn} in this suite's project. */
export function endRunsWhenWaitedFor<T>(emulator: Emulator, target: { policyId: string } | { vaultId: string }, work: Promise<T>): Promise<T> {
  return endRunsWhenWaitedForIn(emulator, PROJECT_ID, target, work);
}

/**
 * For a test file: an emulator (`startE2eEmulator(options)`) and a client made on it, started
 * before the file's tests and closed after them; `started` receives both.
 */
export function emulatorAndClientForFile<C extends { close(): Promise<void> }>(
  options: EmulatorOptions,
  makeClient: (emulator: Emulator) => C,
  started: (emulator: Emulator, client: C) => void,
): void {
  let emulator: Emulator | undefined;
  let client: C | undefined;
  beforeAll(async () => {
    emulator = await startE2eEmulator(options);
    client = makeClient(emulator);
    started(emulator, client);
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.stop();
  });
}
