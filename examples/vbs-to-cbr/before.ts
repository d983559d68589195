// examples/vbs-to-cbr, before Huawei's migration: the trigger runs the VBS policy "nightly-db".
// after.ts is this file with the one line that names the policy changed (and its import).
import { DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPolicy, Rerun } from 'cdktf-vbs-backup';

/** Props of {@link NightlyDbStack}. */
export interface NightlyDbStackProps {
  /** Bumping it re-runs the migration stand-in, and so the backup after it. @default 'v7' */
  readonly schemaVersion?: string;
}

/** A backup of the database's disks after each schema migration, and one last before destroy. */
export class NightlyDbStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: NightlyDbStackProps = {}) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });

    // Stands in for the migration (a Kubernetes job, a Flyway run, ...): replaced when the version changes.
    const migration = new DataResource(this, 'Migration', { triggersReplace: { schema: props.schemaVersion ?? 'v7' } });

    BackupPolicy.fromPolicyName(this, 'NightlyDb', 'nightly-db').addTrigger('AfterMigration', {
      executeAfter: [migration],
      rerun: Rerun.whenChanged(migration),
      waitForCompletion: true,
      backupBeforeDestroy: true,
    });
  }
}
