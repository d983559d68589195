// examples/vbs-to-cbr, after Huawei's migration: the trigger backs up the CBR vault "nightly-db".
// before.ts is this file with the one line that names the vault changed (and its import).
import { DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupVault, Rerun } from 'cdktf-vbs-backup';

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

    BackupVault.fromVaultName(this, 'NightlyDb', 'nightly-db').addTrigger('AfterMigration', {
      executeAfter: [migration],
      rerun: Rerun.whenChanged(migration),
      waitForCompletion: true,
      backupBeforeDestroy: true,
    });
  }
}
