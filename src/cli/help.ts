/**
 * The help texts of `vbs-backup`, in a module of their own: the command modules print their
 * help, and main.ts loads the command modules, so the texts live in neither.
 */

const CONNECTION_HELP = `Connection (all optional):
  --endpoint URL      API base URL (default: VBS_ENDPOINT, else derived from region and VBS_CLOUD)
  --region R          region, e.g. eu-de (default: HW_REGION_NAME / OS_REGION_NAME)
  --project-id P      project id, 32 hex digits (default: HW_PROJECT_ID / OS_PROJECT_ID)

Credentials come only from the environment: HW_AUTH_TOKEN, or HW_ACCESS_KEY + HW_SECRET_KEY
(+ HW_SECURITY_TOKEN), or HW_USER_NAME + HW_USER_PASSWORD + HW_DOMAIN_NAME (OS_ forms accepted).`;

const CBR_CONNECTION_HELP = CONNECTION_HELP.replace(
  'API base URL (default: VBS_ENDPOINT, else derived from region and VBS_CLOUD)',
  'CBR base URL (default: CBR_ENDPOINT, else derived from region and VBS_CLOUD)',
);

const EXIT_HELP = `Exit status: 0 success, 1 API or runtime failure, 2 usage error.`;

/** Help per command word. */
export const COMMAND_HELP: Record<string, string> = {
  execute: `Usage: vbs-backup execute (--policy-id ID | --policy-name NAME) [--wait] [--timeout S]
                          [--when-busy wait|join|fail] [--json]

Runs a backup policy now: one backup job per volume associated with the policy.

Options:
  --policy-id ID      the policy's id (UUID)
  --policy-name NAME  the policy's name (exactly one policy must have it)
  --wait              wait until every job of this run is final; fails if any job fails
  --timeout S         bound on the whole command, in seconds (default 600)
  --when-busy MODE    a run of the policy is unfinished (AutoBackup.0225): wait (default) for it
                      to finish, then run; join: count that run as this one; fail: exit 1
  --json              print one JSON document on stdout
  -h, --help          show this help

${CONNECTION_HELP}

${EXIT_HELP}`,

  jobs: `Usage: vbs-backup jobs (--policy-id ID | --policy-name NAME) [--since ISO8601] [--json]

Lists the backup jobs of a policy, newest first.

Options:
  --policy-id ID      the policy's id (UUID)
  --policy-name NAME  the policy's name (exactly one policy must have it)
  --since ISO8601     only jobs created at or after this instant (default: the newest 50 jobs);
                      a date-time without a zone is UTC
  --json              print one JSON document on stdout
  -h, --help          show this help

${CONNECTION_HELP}

${EXIT_HELP}`,

  policies: `Usage: vbs-backup policies [--json]

Lists the backup policies of the project.

Options:
  --json              print one JSON document on stdout
  -h, --help          show this help

${CONNECTION_HELP}

${EXIT_HELP}`,

  'backup-vault': `Usage: vbs-backup backup-vault (--vault-id ID | --vault-name NAME) [--resource-id ID]... [--full]
                              [--wait] [--timeout S] [--when-busy wait|join|fail] [--json]

Backs up a CBR vault now: one checkpoint (restore point), a backup per resource. Each resource is
backed up once per run, also when an answer is lost and the request is sent again.

Options:
  --vault-id ID       the vault's id (UUID)
  --vault-name NAME   the vault's name (exactly one vault must have it)
  --resource-id ID    back up only this resource of the vault; repeat for several
                      (default: every resource of the vault)
  --full              full backups instead of incremental ones
  --wait              wait until every backup of this run is final; fails if any ends in error
  --timeout S         bound on the whole command, in seconds (default 600)
  --when-busy MODE    a resource is already being backed up (a scheduled backup, another run):
                      wait (default) for that backup to end, then back the resource up;
                      join: count that backup for the resource; fail: exit 1
  --json              print one JSON document on stdout
  -h, --help          show this help

${CBR_CONNECTION_HELP}

${EXIT_HELP}`,

  'vault-backups': `Usage: vbs-backup vault-backups (--vault-id ID | --vault-name NAME) [--checkpoint-id ID]
                               [--since ISO8601] [--wait] [--json]
       vbs-backup vault-backups (--vault-id ID | --vault-name NAME)
                               (--trigger STACK/CONSTRUCT_PATH | --trigger-id ID) [--json]

Lists the backups of a CBR vault, newest first; with --trigger, the runs of one vault trigger,
newest first (run 1 is the latest), each disk with the backup restore would use.

Options:
  --vault-id ID       the vault's id (UUID)
  --vault-name NAME   the vault's name (exactly one vault must have it)
  --checkpoint-id ID  only the backups of this checkpoint
  --since ISO8601     only backups created at or after this instant (default: the newest 50);
                      a date-time without a zone is UTC
  --wait              wait until every listed backup is final (at most 600 s)
  --trigger PATH      a vault trigger's construct path, stack first: stack/Vault/AfterMigration
                      for vault.addTrigger('AfterMigration') on a vault with id 'Vault'
  --trigger-id ID     the trigger's id itself (12 hex, VBS_HOOK_TRIGGER_ID in the stack)
  --json              print one JSON document on stdout
  -h, --help          show this help

${CBR_CONNECTION_HELP}

${EXIT_HELP}`,

  vaults: `Usage: vbs-backup vaults [--json]

Lists the CBR vaults of the project.

Options:
  --json              print one JSON document on stdout
  -h, --help          show this help

${CBR_CONNECTION_HELP}

${EXIT_HELP}`,

  restore: `Usage: vbs-backup restore (--vault-id ID | --vault-name NAME)
                         (--checkpoint-id ID | --trigger STACK/CONSTRUCT_PATH | --trigger-id ID)
                         [--run latest|previous|N] [--resource-id ID]... [--to SRC=DST]...
                         [--dry-run] [--yes] [--wait] [--timeout S] [--json]

Restores the disks of one run of a vault trigger (or of one checkpoint) from their backups:
each disk's data is OVERWRITTEN with the run's newest available backup of it. Disk vaults
only. The cloud needs each disk detached (or its server stopped) first.

Options:
  --vault-id ID       the vault's id (UUID)
  --vault-name NAME   the vault's name (exactly one vault must have it)
  --checkpoint-id ID  the backups of this checkpoint
  --trigger PATH      the runs of this vault trigger (construct path, stack first)
  --trigger-id ID     the same, by the trigger's id (12 hex)
  --run RUN           latest (default), previous, or N: the N-th newest run (1 = latest)
  --resource-id ID    restore only this disk of the run (repeatable)
  --to SRC=DST        restore disk SRC's backup onto disk DST instead of SRC (repeatable)
  --dry-run           print the plan (backup, its time, the disk it overwrites); send nothing
  --yes               do not ask; without it the command asks on a terminal, and refuses
                      (exit 2) where there is none
  --wait              wait until each restore has ended, and report each disk
  --timeout S         bound on the whole command, in seconds (default 1800)
  --json              print one JSON document on stdout
  -h, --help          show this help

Refused before anything is sent (exit 1): a disk of the run without an available backup
(leave it out with --resource-id), a --resource-id the run did not back up, two sources
onto one disk. A restore is never sent twice for a disk.

${CBR_CONNECTION_HELP}

${EXIT_HELP}`,

  emulator: `Usage: vbs-backup emulator [--host 127.0.0.1] [--port 8787] [--state-file F] [--token T]...
                          [--access-key AK --secret-key SK] [--project-id P] [--job-seconds N]
                          [--policy NAME=VOLUME_ID,...]... [--vault NAME=DISK_ID,...]...

Runs the emulator of the VBS API (backup policies) and the CBR API (vaults, checkpoints,
backups), both on one port, in the foreground until SIGINT or SIGTERM. The first line on stdout
is "listening on http://HOST:PORT". Without --token or --access-key any non-empty X-Auth-Token
is accepted (open mode).

Options:
  --host H            address to listen on, loopback only (default 127.0.0.1)
  --port N            port, 0 picks a free one (default 8787)
  --state-file F      keep the state in this JSON file (written atomically, reloaded on start)
  --token T           an accepted X-Auth-Token; repeat for several
  --access-key AK     an accepted access key (needs --secret-key)
  --secret-key SK     the secret key of --access-key
  --project-id P      the project (32 hex digits) that --token and --access-key act on;
                      another project's URL gets 403 APIGW.0302
  --job-seconds N     seconds a backup job takes from WAITING to EXECUTE_SUCCESS (default 2)
  --policy NAME=IDS   seed a VBS backup policy NAME (daily at 02:00, keeps 7) with the volumes
                      IDS (comma-separated), in the --project-id project, else in every
                      project; repeat for several
  --vault NAME=IDS    seed a CBR disk vault NAME holding the disks IDS (comma-separated UUIDs),
                      in the --project-id project, else in every project; repeat for several
  -h, --help          show this help

${EXIT_HELP}`,
};

/** Help of the program as a whole. */
export const MAIN_HELP = `Usage: vbs-backup <command> [options]

Runs and inspects Volume Backup Service (VBS) backup policies and Cloud Backup and Recovery (CBR)
vaults, and runs a local emulator of both APIs.

Commands:
  execute        run a backup policy now (optionally wait for its jobs)
  jobs           list the backup jobs of a policy
  policies       list the backup policies of the project
  backup-vault   back up a CBR vault now (optionally wait for its backups)
  vault-backups  list the backups of a CBR vault
  vaults         list the CBR vaults of the project
  restore        restore the disks of a vault trigger's run (or of a checkpoint) from their backups
  emulator       run the emulator of the VBS and CBR APIs on loopback (one port, both APIs)

Options:
  -h, --help      show this help ('vbs-backup <command> --help' for a command)
  -v, --version   print the version

${EXIT_HELP}`;

/** The pointer appended to every usage error. */
export function helpPointer(command?: string): string {
  return command ? `Run 'vbs-backup ${command} --help' for usage.` : `Run 'vbs-backup --help' for usage.`;
}

/** Command words listed to users. */
export const PUBLIC_COMMANDS: readonly string[] = Object.keys(COMMAND_HELP);
