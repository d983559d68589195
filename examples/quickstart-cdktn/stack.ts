import { DataResource, LocalBackend, TerraformStack } from 'cdktn';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Retention, Schedule } from 'cdktf-vbs-backup';

/** Props of {@link QuickstartStack}. */
export interface QuickstartStackProps {
  /**
   * The EVS volumes to back up. In a real stack these come from your volume resources
   * (`volume.id`); the embedded emulator accepts any UUID as a volume.
   * @default two example volume ids
   */
  readonly volumeIds?: string[];
}

/**
 * The quickstart as a CDK Terrain (cdktn) app: the same code as examples/quickstart, with the
 * framework imported from `cdktn`. The library uses the framework of the stack it is given; under
 * cdktn its hooks are `terraform_data` resources by default (no provider to download).
 */
export class QuickstartStack extends TerraformStack {
  public readonly policy: BackupPolicy;
  public readonly trigger: BackupPolicyTrigger;

  constructor(scope: Construct, id: string, props: QuickstartStackProps = {}) {
    super(scope, id);
    // A relative path keeps machine paths out of cdk.tf.json; it is relative to the stack directory.
    new LocalBackend(this, { path: 'terraform.tfstate' });

    this.policy = new BackupPolicy(this, 'Nightly', {
      policyName: 'quickstart-nightly',
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: props.volumeIds ?? ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11', '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c22'],
      tags: { app: 'quickstart' },
    });

    // Stands in for your schema migration (a Helm release, a job, ...).
    const migration = new DataResource(this, 'Migration', { input: { schemaVersion: 'v2' } });

    this.trigger = new BackupPolicyTrigger(this, 'AfterMigration', {
      policy: this.policy,
      executeAfter: [migration],
      waitForCompletion: true,
      timeoutSeconds: 300,
    });
  }
}
