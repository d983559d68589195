import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, BackupConnection } from 'cdktf-vbs-backup';

/** Props of {@link ImportExistingStack}. */
export interface ImportExistingStackProps {
  /** The id (UUID) of a backup policy that exists already, managed elsewhere. */
  readonly policyId: string;
  /** Where it lives. @default - from the environment of `terraform apply` */
  readonly connection?: BackupConnection;
}

/**
 * Run a backup policy that this stack does not manage: the stack never changes or deletes it,
 * it only runs it once on the first apply (and again if it is pointed at another policy).
 */
export class ImportExistingStack extends TerraformStack {
  public readonly trigger: BackupPolicyTrigger;

  constructor(scope: Construct, id: string, props: ImportExistingStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });
    const policy = BackupPolicy.fromPolicyId(this, 'Shared', props.policyId, props.connection);
    this.trigger = new BackupPolicyTrigger(this, 'RunOnce', { policy });
  }
}
