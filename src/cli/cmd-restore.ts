/**
 * The way back:
 *   vbs-backup vault-backups (--vault-id ID | --vault-name NAME) (--trigger PATH | --trigger-id ID) [--json]
 *   vbs-backup restore (--vault-id ID | --vault-name NAME) (--checkpoint-id ID | --trigger PATH | --trigger-id ID)
 *                      [--run latest|previous|N] [--resource-id ID]... [--to SRC=DST]... [--dry-run] [--yes]
 *                      [--wait] [--timeout S] [--json]
 *
 * The trigger id comes from the construct path by the code synth uses (src/contract/checkpoint.ts).
 * `restore` works out its whole plan first and refuses (exit 1) before anything is sent when a
 * disk has no available backup in the run, a --resource-id is not in the run, or two sources
 * go onto one disk; it sends nothing on --dry-run, and without --yes it asks on a terminal and
 * refuses with exit 2 where there is none. Each disk is restored once (CbrClient.restoreBackup
 * never sends twice after an ambiguous failure) and reported on its own; exit 1 if any failed.
 */
import type { RestoreOutcome, RestoreStarted, TriggerRun } from '../client/cbr-restore';
import type { WireCbrBackup, WireCbrVault } from '../contract/cbr-wire';
import { TRIGGER_ID_ALLOWED, TRIGGER_ID_PATTERN, vaultTriggerNames } from '../contract/checkpoint';
import { ParsedValues, UsageError, apiCommandOptions, connectionArgs, integerOption, parseOrHelp, stringList, stringOption } from './args';
import type { VaultApi } from './cbr-ports';
import { VAULT_OPTIONS, checkUuid, resolveVault, runVaultBackups, vaultLabel, vaultSelector, withCbr } from './cmd-vault';
import { CommandFailure, describeFailure, exitCodeOf } from './failure';
import { plural, table } from './format';
import { CliIo, Deadline, jsonDocument, startDeadline } from './runtime';

/** Default bound of `restore`, seconds (a restore of a large disk takes a while). */
export const DEFAULT_RESTORE_TIMEOUT_SECONDS = 1800;
/** Bound of `vault-backups --trigger`, seconds. */
const LIST_TIMEOUT_SECONDS = 120;

/** A refusal of the plan, before anything is sent: exit 1. */
export class RestoreRefusedError extends CommandFailure {
  constructor(message: string) {
    super(`${message}; nothing was restored`);
  }
}

/** How a command names the trigger: its id, and how the user gave it (for messages). */
interface TriggerRef {
  readonly triggerId: string;
  readonly shown: string;
}

/** `--trigger STACK/CONSTRUCT_PATH` or `--trigger-id ID` (at most one); undefined when neither. */
export function triggerOption(command: string, values: ParsedValues): TriggerRef | undefined {
  const path = stringOption(values, 'trigger');
  const id = stringOption(values, 'trigger-id');
  if (path !== undefined && id !== undefined) throw new UsageError('give either --trigger or --trigger-id, not both', command);
  if (id !== undefined) {
    if (!TRIGGER_ID_PATTERN.test(id)) throw new UsageError(`--trigger-id must be ${TRIGGER_ID_ALLOWED} (VBS_HOOK_TRIGGER_ID in the synthesized stack), got '${id}'`, command);
    return { triggerId: id, shown: `trigger id ${id}` };
  }
  if (path === undefined) return undefined;
  const names = vaultTriggerNames(path);
  if (names === undefined) {
    throw new UsageError(
      `--trigger must be the trigger's construct path, stack first, such as stack/Vault/AfterMigration (for vault.addTrigger('AfterMigration') ` +
        `on BackupVault 'Vault' in stack 'stack'), got '${path}'`,
      command,
    );
  }
  return { triggerId: names.triggerId, shown: `trigger ${path} (id ${names.triggerId})` };
}

/** `--run latest|previous|N` as a 1-based index, newest first. */
function runOption(command: string, value: string | undefined): number {
  if (value === undefined || value === 'latest') return 1;
  if (value === 'previous') return 2;
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new UsageError(`--run must be latest, previous or a whole number from 1 (the latest) to 999999, got '${value}'`, command);
  return Number(value);
}

function describeRun(r: TriggerRun, index: number): string {
  return `run ${index} (key ${r.run}${r.beforeDestroy ? ', before destroy' : ''}, made ${r.createdAt})`;
}

const RUNS_OPTIONS = apiCommandOptions({ ...VAULT_OPTIONS, trigger: { type: 'string' }, 'trigger-id': { type: 'string' } });

/**
 * `vault-backups`: with `--trigger` or `--trigger-id` that trigger's runs, newest first (here);
 * otherwise the vault's backups (cmd-vault.ts), whose options are left as they are.
 */
export async function runVaultBackupsOrRuns(argv: string[], io: CliIo): Promise<number> {
  const command = 'vault-backups';
  if (!argv.some((a) => /^--trigger(-id)?(=|$)/.test(a))) return runVaultBackups(argv, io);
  const values = parseOrHelp(command, argv, RUNS_OPTIONS, io);
  if (!values) return 0;
  const trigger = triggerOption(command, values)!;
  const selector = vaultSelector(command, values);
  const connection = connectionArgs(command, values);
  const deadline = startDeadline(LIST_TIMEOUT_SECONDS, `the ${command} command bound`);
  return exitCodeOf(() => withCbr(connection, io.env, async (api) => {
    const vault = await resolveVault(api, selector, deadline.signal);
    const runs = await api.triggerRuns(vault.id, trigger.triggerId, { signal: deadline.signal });
    io.err(`${plural(runs.length, 'run')} of ${trigger.shown} in ${vaultLabel(vault)}, newest first`);
    if (values.json === true) {
      io.out(jsonDocument({ vaultId: vault.id, vaultName: vault.name, projectId: api.projectId, triggerId: trigger.triggerId, runs: runs.map(runJson) }));
      return 0;
    }
    const rows = runs.flatMap((r, i) => r.resources.map((d) => [
      String(i + 1), r.run, r.beforeDestroy ? 'before destroy' : 'deploy', r.createdAt, d.resourceId, d.backup?.id ?? '-',
      d.backups.map((b) => b.status).join(','),
    ]));
    for (const line of table(['RUN', 'KEY', 'KIND', 'MADE', 'DISK', 'BACKUP TO RESTORE', 'STATUSES'], rows)) io.out(line);
    return 0;
  }), io, deadline, 'cli');
}

function runJson(r: TriggerRun, i: number): Record<string, unknown> {
  return {
    index: i + 1, run: r.run, beforeDestroy: r.beforeDestroy, createdAt: r.createdAt, checkpointIds: r.checkpointIds,
    disks: r.resources.map((d) => ({
      resourceId: d.resourceId, resourceName: d.resourceName ?? null, backupId: d.backup?.id ?? null,
      backups: d.backups.map((b) => ({ backupId: b.id, status: b.status, createdAt: b.created_at, checkpointId: b.checkpoint_id, name: b.name })),
    })),
  };
}

const RESTORE_OPTIONS = apiCommandOptions({
  ...VAULT_OPTIONS,
  'checkpoint-id': { type: 'string' },
  trigger: { type: 'string' },
  'trigger-id': { type: 'string' },
  run: { type: 'string' },
  'resource-id': { type: 'string', multiple: true },
  to: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
});

/** One disk of the plan: the backup and the disk it overwrites. */
interface PlannedRestore {
  readonly source: string;
  readonly backup: WireCbrBackup;
  readonly target: string;
}

/** What happened to one disk. */
interface DiskReport {
  readonly plan: PlannedRestore;
  started?: RestoreStarted;
  outcome?: RestoreOutcome;
  error?: string;
}

/** Runs `vbs-backup restore`; resolves to the exit code. */
export async function runRestore(argv: string[], io: CliIo): Promise<number> {
  const command = 'restore';
  const values = parseOrHelp(command, argv, RESTORE_OPTIONS, io);
  if (!values) return 0;
  const selector = vaultSelector(command, values);
  const cpText = stringOption(values, 'checkpoint-id');
  const trigger = triggerOption(command, values);
  if ((cpText === undefined) === (trigger === undefined)) {
    throw new UsageError('name what to restore: either --checkpoint-id ID, or --trigger STACK/CONSTRUCT_PATH (or --trigger-id ID) with --run', command);
  }
  const checkpointId = cpText === undefined ? undefined : checkUuid(command, '--checkpoint-id', cpText);
  if (checkpointId !== undefined && values.run !== undefined) throw new UsageError('--run picks a run of a trigger: it goes with --trigger or --trigger-id, not --checkpoint-id', command);
  const runIndex = runOption(command, stringOption(values, 'run'));
  const only = stringList(values, 'resource-id').map((id) => checkUuid(command, '--resource-id', id));
  const moves = new Map<string, string>();
  for (const text of stringList(values, 'to')) {
    const m = /^([^=]+)=([^=]+)$/.exec(text);
    if (!m) throw new UsageError(`--to must be SRC=DST, two disk UUIDs (restore SRC's backup onto DST), got '${text}'`, command);
    const src = checkUuid(command, '--to (SRC)', m[1]);
    if (moves.has(src)) throw new UsageError(`--to names disk ${src} twice as a source; one target per disk`, command);
    moves.set(src, checkUuid(command, '--to (DST)', m[2]));
  }
  const dryRun = values['dry-run'] === true;
  const yes = values.yes === true;
  const connection = connectionArgs(command, values);
  const timeout = integerOption(command, '--timeout', stringOption(values, 'timeout'), 1, 86400) ?? DEFAULT_RESTORE_TIMEOUT_SECONDS;
  // Consent first: with no terminal to ask on, nothing is looked up or sent.
  if (!dryRun && !yes && io.ask === undefined) {
    throw new UsageError('restore overwrites disks and there is no terminal to ask on: give --yes to go ahead, or --dry-run to see the plan', command);
  }
  const deadline = startDeadline(timeout, '--timeout');
  return exitCodeOf(() => withCbr(connection, io.env, async (api) => {
    const vault = await resolveVault(api, selector, deadline.signal);
    if (vault.billing?.object_type !== undefined && vault.billing.object_type !== 'disk') {
      throw new RestoreRefusedError(`${vaultLabel(vault)} holds ${vault.billing.object_type} backups: restore restores disk backups only ` +
        '(restore a server from the console or the API with server_id and mappings)');
    }
    const { what, backups } = await runBackups(api, vault, checkpointId, trigger, runIndex, deadline);
    const plans = plan(what, backups, only, moves);
    warnUncovered(io, vault, what, backups, only);
    printPlan(io, vault, what, plans, dryRun, values.json === true);
    if (dryRun) {
      io.err(`dry run: ${plural(plans.length, 'restore')} planned, nothing sent`);
      return 0;
    }
    if (!yes) {
      const answer = await io.ask!(`Overwrite ${plural(plans.length, 'disk')} with these backups? The data on them is lost. Type yes to go ahead: `);
      if (answer.trim().toLowerCase() !== 'yes') {
        io.err('not confirmed: nothing was restored');
        return 1;
      }
    }
    const reports: DiskReport[] = [];
    for (const p of plans) {
      const report: DiskReport = { plan: p };
      reports.push(report);
      try {
        report.started = await api.restoreBackup(p.backup.id, { volumeId: p.target, signal: deadline.signal, timeoutMs: Math.max(1, deadline.at - Date.now()) });
        io.err(`disk ${p.target}: restore from backup ${p.backup.id} ${report.started.alreadySent ? 'was already sent by an earlier attempt (answer lost): not sent again' : 'started'}`);
      } catch (err) {
        report.error = describeFailure(err, deadline, 'cli');
        io.err(`disk ${p.target}: restore from backup ${p.backup.id} not started: ${report.error}`);
      }
    }
    if (values.wait === true) {
      for (const r of reports) {
        if (!r.started) continue;
        try {
          r.outcome = await api.waitForRestore(r.started, {
            timeoutSeconds: Math.max(1, Math.floor((deadline.at - Date.now()) / 1000)), signal: deadline.signal,
            onProgress: (status) => io.err(`disk ${r.plan.target}: restore from backup ${r.plan.backup.id}: ${status}`),
          });
          if (r.outcome.status === 'failed') r.error = `the restore failed: ${r.outcome.error?.code ?? ''} ${r.outcome.error?.message ?? ''}`.trim();
        } catch (err) {
          r.error = `waiting for the restore: ${describeFailure(err, deadline, 'cli')}`;
        }
      }
    }
    printReports(io, vault, what, reports, values.json === true);
    const failed = reports.filter((r) => r.error !== undefined);
    if (failed.length > 0) {
      io.err(`error: ${plural(failed.length, 'disk')} of ${reports.length} not restored: ` + failed.map((r) => `disk ${r.plan.target} (backup ${r.plan.backup.id}): ${r.error}`).join('; '));
      return 1;
    }
    io.err(values.wait === true ? `${plural(reports.length, 'disk')} restored` : `${plural(reports.length, 'restore')} started; --wait waits for them`);
    return 0;
  }), io, deadline, 'cli');
}

/** The backups of the checkpoint, or of the trigger's chosen run, per disk (newest first), and how to name them. */
async function runBackups(
  api: VaultApi, vault: WireCbrVault, checkpointId: string | undefined, trigger: TriggerRef | undefined, runIndex: number, deadline: Deadline,
): Promise<{ what: string; backups: Map<string, WireCbrBackup[]> }> {
  const backups = new Map<string, WireCbrBackup[]>();
  if (checkpointId !== undefined) {
    const list = (await api.listBackups({ vault_id: vault.id, checkpoint_id: checkpointId, sort: 'created_at:desc', limit: 1000 }, { signal: deadline.signal })).backups
      .filter((b) => !b.parent_id && b.checkpoint_id === checkpointId);
    if (list.length === 0) throw new CommandFailure(`checkpoint ${checkpointId} has no backups in ${vaultLabel(vault)}`);
    for (const b of list) backups.set(b.resource_id, [...(backups.get(b.resource_id) ?? []), b]);
    return { what: `checkpoint ${checkpointId}`, backups };
  }
  const runs = await api.triggerRuns(vault.id, trigger!.triggerId, { signal: deadline.signal });
  if (runs.length < runIndex) {
    throw new CommandFailure(runs.length === 0
      ? `no run of ${trigger!.shown} in ${vaultLabel(vault)} (no backup named after it); check the construct path with vbs-backup vault-backups --trigger`
      : `${trigger!.shown} has ${plural(runs.length, 'run')} in ${vaultLabel(vault)}; --run ${runIndex} asks for run ${runIndex} (1 is the latest)`);
  }
  const run = runs[runIndex - 1];
  for (const d of run.resources) backups.set(d.resourceId, [...d.backups]);
  return { what: `${describeRun(run, runIndex)} of ${trigger!.shown}`, backups };
}

/**
 * Disks of the vault the run has no backup of are not restored: say so. A run that joined a
 * running backup (when busy: join) counted another checkpoint's backup for that disk, which
 * carries no name of the run; or the disk joined the vault later, or the trigger backs up a
 * subset (resourceIds).
 */
function warnUncovered(io: CliIo, vault: WireCbrVault, what: string, backups: Map<string, WireCbrBackup[]>, only: string[]): void {
  if (only.length > 0) return;
  const missing = vault.resources.map((r) => r.id.toLowerCase()).filter((id) => !backups.has(id));
  if (missing.length === 0) return;
  io.err(`WARNING: ${what} has no backup of ${plural(missing.length, 'disk')} of ${vaultLabel(vault)}: ${missing.join(', ')}; ` +
    'not restored (a backup the run joined when busy, a disk added later, or one the trigger does not back up: ' +
    'restore it from its own checkpoint with --checkpoint-id)');
}

/** The plan, or a RestoreRefusedError naming the backup and the disk. */
function plan(what: string, backups: Map<string, WireCbrBackup[]>, only: string[], moves: Map<string, string>): PlannedRestore[] {
  const notInRun = [...new Set(only)].filter((id) => !backups.has(id));
  if (notInRun.length > 0) {
    throw new RestoreRefusedError(`${what} did not back up ${plural(notInRun.length, 'disk')} given with --resource-id: ${notInRun.join(', ')}; ` +
      `it backed up ${[...backups.keys()].join(', ')}`);
  }
  const sources = only.length > 0 ? [...new Set(only)] : [...backups.keys()].sort();
  const strayMoves = [...moves.keys()].filter((src) => !sources.includes(src));
  if (strayMoves.length > 0) {
    throw new RestoreRefusedError(`--to names ${plural(strayMoves.length, 'source disk')} that ${what} restores nothing of: ${strayMoves.join(', ')}; sources: ${sources.join(', ')}`);
  }
  const unusable = sources.filter((id) => !backups.get(id)!.some((b) => b.status === 'available'));
  if (unusable.length > 0) {
    throw new RestoreRefusedError(`${what} has no available backup of ${plural(unusable.length, 'disk')}: ` +
      unusable.map((id) => `disk ${id} (${backups.get(id)!.map((b) => `backup ${b.id} ${b.status}`).join(', ')})`).join('; ') +
      '; restore the other disks with --resource-id, or pick another run');
  }
  const plans = sources.map((source) => ({ source, backup: backups.get(source)!.find((b) => b.status === 'available')!, target: moves.get(source) ?? source }));
  const byTarget = new Map<string, PlannedRestore[]>();
  for (const p of plans) byTarget.set(p.target, [...(byTarget.get(p.target) ?? []), p]);
  const clashes = [...byTarget].filter(([, ps]) => ps.length > 1);
  if (clashes.length > 0) {
    throw new RestoreRefusedError('two sources onto one disk: ' +
      clashes.map(([target, ps]) => `disk ${target} from ${ps.map((p) => `backup ${p.backup.id} (of disk ${p.source})`).join(' and ')}`).join('; '));
  }
  return plans;
}

/** The plan: on stdout for a dry run (JSON with --json), else on stderr before the restores. */
function printPlan(io: CliIo, vault: WireCbrVault, what: string, plans: PlannedRestore[], dryRun: boolean, json: boolean): void {
  io.err(`plan: restore ${plural(plans.length, 'disk')} of ${vaultLabel(vault)} from ${what}`);
  if (dryRun && json) {
    io.out(jsonDocument({ vaultId: vault.id, vaultName: vault.name, from: what, dryRun: true, restores: plans.map(planJson) }));
    return;
  }
  const lines = table(['BACKUP', 'MADE', 'OF DISK', 'OVERWRITES DISK'], plans.map((p) => [p.backup.id, p.backup.created_at, p.source, p.target]));
  for (const line of lines) (dryRun ? io.out : io.err).call(io, line);
}

function planJson(p: PlannedRestore): Record<string, unknown> {
  return { backupId: p.backup.id, backupName: p.backup.name, createdAt: p.backup.created_at, sourceDisk: p.source, targetDisk: p.target };
}

function printReports(io: CliIo, vault: WireCbrVault, what: string, reports: DiskReport[], json: boolean): void {
  const state = (r: DiskReport): string => r.error !== undefined ? 'failed' : r.outcome ? 'restored' : 'started';
  if (json) {
    io.out(jsonDocument({
      vaultId: vault.id, vaultName: vault.name, from: what,
      restores: reports.map((r) => ({ ...planJson(r.plan), result: state(r), alreadySent: r.started?.alreadySent ?? false, ...(r.error ? { error: r.error } : {}) })),
    }));
    return;
  }
  for (const line of table(['DISK', 'BACKUP', 'RESULT'], reports.map((r) => [r.plan.target, r.plan.backup.id, state(r) + (r.error ? `: ${r.error}` : '')]))) io.out(line);
}
