/**
 * The Terraform side of the reliability suite: a synthesized test stack (terraform_data hooks)
 * run by the real `terraform` against an in-process emulator, with every output collected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, FailureMode, HookResource, IBackupPolicy, Rerun, Retention, Schedule } from '../../src';
import type { Emulator } from '../../src/emulator';
import { Terraform, TerraformResult, makeTempDir } from '../../examples/support/terraform';
import { PROJECT, exposure, volumeId } from './support';

/** How a test stack is made: which policies it triggers and how. */
export interface StackSpec {
  /** Existing policy ids, one trigger each (fromPolicyId). */
  readonly policyIds?: string[];
  /** Also declare a managed policy (with two volumes) and a trigger on it. */
  readonly managed?: boolean;
  /** Trigger timeout. @default 60 */
  readonly timeoutSeconds?: number;
  /** Trigger waits for jobs. @default false */
  readonly wait?: boolean;
}

class TestStack extends TerraformStack {
  constructor(scope: Construct, id: string, spec: StackSpec) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });
    const policies: IBackupPolicy[] = (spec.policyIds ?? []).map((pid, i) => BackupPolicy.fromPolicyId(this, `Existing${i}`, pid));
    if (spec.managed) {
      policies.push(new BackupPolicy(this, 'Managed', {
        policyName: 'reliability-managed',
        schedule: Schedule.daily(['02:00']),
        retention: Retention.count(7),
        volumeIds: [volumeId(901), volumeId(902)],
        tags: { suite: 'reliability' },
      }));
    }
    policies.forEach((policy, i) => new BackupPolicyTrigger(this, `Run${i}`, {
      policy,
      rerun: Rerun.once(),
      timeoutSeconds: spec.timeoutSeconds ?? 60,
      waitForCompletion: spec.wait ?? false,
      failureMode: FailureMode.FAIL,
    }));
  }
}

/** Synthesizes `spec` into `outdir` (terraform_data hooks); returns the stack directory. */
export function synthStack(outdir: string, spec: StackSpec): string {
  const app = new App({ outdir, context: { 'cdktf-vbs-backup:hookResource': HookResource.TERRAFORM_DATA } });
  new TestStack(app, 'rel', spec);
  app.synth();
  const dir = path.join(outdir, 'stacks', 'rel');
  exposure.add(`synth ${outdir}`, fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  return dir;
}

/** A synthesized stack, initialised, with applies whose every output is collected. */
export class StackRun {
  public readonly outdir: string;
  public dir: string;
  public readonly tf: Terraform;

  constructor(private readonly em: Emulator, spec: StackSpec, env: Record<string, string>) {
    this.outdir = makeTempDir('vbs-rel');
    this.dir = synthStack(this.outdir, spec);
    this.tf = new Terraform(this.dir, { VBS_ENDPOINT: em.url, HW_REGION_NAME: 'eu-de', HW_PROJECT_ID: PROJECT, ...env });
  }

  /** Synthesizes another spec over the same stack directory (state kept). */
  resynth(spec: StackSpec): void {
    this.dir = synthStack(this.outdir, spec);
  }

  async init(): Promise<void> {
    const r = await this.tf.init();
    if (r.code !== 0) throw new Error(`terraform init failed:\n${r.output}`);
  }

  /** `terraform apply` (extra args, per-run env overrides); output collected. */
  async apply(label: string, extra: string[] = [], env: Record<string, string | undefined> = {}): Promise<TerraformResult> {
    const r = await this.tf.run(['apply', '-auto-approve', '-input=false', '-no-color', ...extra], env);
    exposure.add(`apply ${label}`, r.output);
    return r;
  }

  /** `terraform plan -detailed-exitcode` (0 = no changes, 2 = changes); output collected. */
  async plan(label: string): Promise<TerraformResult> {
    const r = await this.tf.plan();
    exposure.add(`plan ${label}`, r.output);
    return r;
  }

  /** The state file's text (collected) and `terraform show -json`. */
  async state(label: string): Promise<string> {
    const file = path.join(this.dir, 'terraform.tfstate');
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    exposure.add(`state ${label}`, text);
    const shown = await this.tf.run(['show', '-json', '-no-color']);
    exposure.add(`show ${label}`, shown.output);
    return text;
  }

  dispose(): void {
    this.tf.dispose();
    fs.rmSync(this.outdir, { recursive: true, force: true });
  }

  get emulator(): Emulator {
    return this.em;
  }
}

/** The hook lines of an apply (what the executor printed), for messages in failures. */
export function hookLines(r: TerraformResult): string {
  return r.output.split('\n').filter((l) => /local-exec|error:|Error:|WARNING/.test(l)).join('\n');
}
