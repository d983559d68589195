import { DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, FailureMode, Rerun, Retention, Schedule, Weekday } from 'cdktf-vbs-backup';

/** Props of {@link AfterMigrationStack}. */
export interface AfterMigrationStackProps {
  /** The database's volumes. @default two example volume ids */
  readonly volumeIds?: string[];
  /** Bumping it re-runs the migration stand-in (and so the backup after it). @default 'v7' */
  readonly schemaVersion?: string;
}

/**
 * Backup after a database migration: the policy runs once the migration step is applied, and
 * the apply waits for every volume's backup job (a failed job fails the apply, naming the volume).
 */
export class AfterMigrationStack extends TerraformStack {
  public readonly policy: BackupPolicy;
  public readonly trigger: BackupPolicyTrigger;

  constructor(scope: Construct, id: string, props: AfterMigrationStackProps = {}) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });

    this.policy = new BackupPolicy(this, 'Database', {
      policyName: 'orders-db',
      schedule: Schedule.weekly([Weekday.MON, Weekday.THU], ['01:00'], { timeZone: 'UTC+01:00' }),
      retention: Retention.days(30),
      retainFirstBackupOfMonth: true,
      volumeIds: props.volumeIds ?? ['3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e51', '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e52'],
      tags: { team: 'orders', tier: 'db' },
    });

    // Stands in for the migration (a Kubernetes job, a Flyway run, ...): replaced when the version changes.
    const migration = new DataResource(this, 'Migration', { triggersReplace: { schema: props.schemaVersion ?? 'v7' } });

    this.trigger = this.policy.addTrigger('AfterMigration', {
      executeAfter: [migration],
      waitForCompletion: true,
      timeoutSeconds: 900,
      failureMode: FailureMode.FAIL,
      // Every new run of the migration gets a new id: take a new backup after it each time.
      rerun: Rerun.onChange({ migration: migration.id }),
    });
  }
}
