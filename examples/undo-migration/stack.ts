import { DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupVault, Rerun, VaultBackupTrigger } from 'cdktf-vbs-backup';

/** Props of {@link UndoMigrationStack}. */
export interface UndoMigrationStackProps {
  /** The vault holding the database's disks, by name. @default 'orders-db' */
  readonly vaultName?: string;
  /** The schema version the migration stand-in migrates to. @default 'v1' */
  readonly schemaVersion?: string;
  /** Makes the migration stand-in fail (a migration gone wrong). @default false */
  readonly migrationFails?: boolean;
}

/**
 * A backup of the database's disks BEFORE every migration: when a migration goes wrong, the
 * run made just before it is the one to restore (README "Undo a failed migration").
 */
export class UndoMigrationStack extends TerraformStack {
  public readonly trigger: VaultBackupTrigger;

  constructor(scope: Construct, id: string, props: UndoMigrationStackProps = {}) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });
    const schema = props.schemaVersion ?? 'v1';

    // Stands in for your schema migration: replaced (so run again) when the version changes.
    const migration = new DataResource(this, 'Migration', {
      triggersReplace: { schema },
      provisioners: [{ type: 'local-exec', command: props.migrationFails ? `echo "migrating to ${schema}: FAILED" && exit 1` : `echo "migrating to ${schema}"` }],
    });

    this.trigger = BackupVault.fromVaultName(this, 'Vault', props.vaultName ?? 'orders-db').addTrigger('BeforeMigration', {
      executeBefore: [migration],        // backed up before the migration touches the disks
      rerun: Rerun.onChange({ schema }), // once per schema version
      waitForCompletion: true,           // the migration starts once the backups are available
      timeoutSeconds: 300,
    });
  }
}
