#!/usr/bin/env python
"""A backup of a CBR vault and a run of a VBS backup policy, each right after a (stand-in)
database migration, and one more of each when the stack is destroyed.

`cdktn synth` / `cdktf synth` (or `python main.py`, as the CLI runs it) writes
cdktf.out/stacks/python-backups; then `terraform apply` there, with the environment of the
README's "Environment".
"""
from constructs import Construct
from cdktf import App, DataResource, LocalBackend, TerraformStack

from cdktf_vbs_backup import BackupPolicy, BackupVault, Rerun, Retention, Schedule


class BackupsStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        # A relative path keeps machine paths out of cdk.tf.json: it is relative to the stack directory.
        LocalBackend(self, path="terraform.tfstate")

        # Stands in for your schema migration (a Helm release, a job, ...): replaced when the version changes.
        migration = DataResource(self, "Migration", triggers_replace={"schema": "v2"})

        # CBR: one backup of every disk in the vault after each run of the migration, the last 7 kept.
        vault = BackupVault.from_vault_name(self, "Vault", "python-db")
        vault.add_trigger(
            "AfterMigration",
            execute_after=[migration],
            rerun=Rerun.when_changed(migration),
            wait_for_completion=True,
            keep_last=7,
            backup_before_destroy=True,
        )

        # VBS: a policy the stack manages, run once after the migration.
        policy = BackupPolicy(
            self,
            "Nightly",
            policy_name="python-nightly",
            schedule=Schedule.daily(["02:00"]),
            retention=Retention.count(7),
            volume_ids=["5c1e0d2a-8f3b-4a6c-9d7e-1f2a3b4c5d61"],
        )
        policy.add_trigger(
            "AfterMigration",
            execute_after=[migration],
            wait_for_completion=True,
            backup_before_destroy=True,
        )


app = App()
BackupsStack(app, "python-backups")
app.synth()
