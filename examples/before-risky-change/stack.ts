import { DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Rerun, Retention, Schedule } from 'cdktf-vbs-backup';

/** Props of {@link BeforeRiskyChangeStack}. */
export interface BeforeRiskyChangeStackProps {
  /** The release being deployed: a new value takes a new backup before the change. @default '1.4.2' */
  readonly release?: string;
  /** The volumes. @default one example volume id */
  readonly volumeIds?: string[];
}

/**
 * A backup before a risky change: the change (a traffic switch here) waits for the backup run,
 * and every new release takes a new backup first. The stack also takes one last backup when it
 * is destroyed.
 */
export class BeforeRiskyChangeStack extends TerraformStack {
  public readonly trigger: BackupPolicyTrigger;

  constructor(scope: Construct, id: string, props: BeforeRiskyChangeStackProps = {}) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });
    const release = props.release ?? '1.4.2';

    const policy = new BackupPolicy(this, 'App', {
      policyName: 'payments-app',
      schedule: Schedule.everyNDays(2, ['03:00', '15:00']),
      retention: Retention.count(14),
      volumeIds: props.volumeIds ?? ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c61'],
    });

    // Stands in for the risky change, e.g. switching traffic to the new release.
    const trafficSwitch = new DataResource(this, 'TrafficSwitch', { triggersReplace: { release } });

    this.trigger = new BackupPolicyTrigger(this, 'BeforeSwitch', {
      policy,
      executeBefore: [trafficSwitch],
      rerun: Rerun.onChange({ release }),
      waitForCompletion: true,
      backupBeforeDestroy: true,
    });
  }
}
