/**
 * `vbs-backup vault-backups --trigger` and `vbs-backup restore` against the real emulator
 * (in process through main(), and one spawned process with no terminal): the runs of a
 * trigger, the dry run, consent, the refusals before anything is sent (exit 1) and without a
 * terminal (exit 2), a refusal of the service not retried, a lost answer not sent twice, the
 * per-disk report.
 */
import { CbrClient, Credentials, WireCbrVault, vaultTriggerId } from '../../src/client';
import { main } from '../../src/cli/main';
import { vaultCheckpointPrefix } from '../../src/contract/checkpoint';
import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT_ID, TOKEN, baseEnv, buildCli, captureIo, runCli } from './support';

jest.setTimeout(60_000);

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const PATH = 'stack/Vault/BeforeMigration';
const TRIGGER = vaultTriggerId(PATH);
const billing = { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 } as const;

let em: Emulator | undefined;
let client: CbrClient | undefined;
afterEach(async () => {
  await client?.close();
  await em?.stop();
  client = undefined;
  em = undefined;
});

async function setup(jobSeconds = 0): Promise<{ em: Emulator; c: CbrClient; vault: WireCbrVault; env: Record<string, string> }> {
  em = await startEmulator({ tokens: [TOKEN], jobSeconds });
  client = new CbrClient({ endpoint: em.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN), env: {}, transport: 'node-http' });
  const vault = await client.createVault({ vault: { name: 'db', billing, resources: [A, B].map((id) => ({ id, type: 'OS::Cinder::Volume' as const })) } });
  return { em, c: client, vault, env: baseEnv({ CBR_ENDPOINT: em.url, HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN }) };
}

/** A run of the trigger as its hook makes it (the same checkpoint names); resolves to its backups by disk. */
async function triggerRun(c: CbrClient, vaultId: string, key: string, resourceIds?: string[]): Promise<Record<string, string>> {
  const r = await c.backupVault(vaultId, { name: vaultCheckpointPrefix('stack-BeforeMigrat', TRIGGER, key), resourceIds });
  const backups = (await c.listBackups({ checkpoint_id: r.checkpoints[0].checkpointId })).backups;
  return Object.fromEntries(backups.map((b) => [b.resource_id, b.id]));
}

async function cli(args: string[], env: Record<string, string>, ask?: (q: string) => Promise<string>): Promise<{ code: number; out: string; err: string }> {
  const cap = captureIo(env);
  if (ask) cap.io.ask = ask;
  const code = await main(args, cap.io);
  return { code, out: cap.stdout(), err: cap.stderr() };
}

const restores = (e: Emulator) => e.requests().filter((r) => r.operation === 'restoreBackup');

test('vault-backups --trigger lists the runs newest first, by path and by --trigger-id; a bad path is exit 2', async () => {
  const { c, vault, env } = await setup();
  const first = await triggerRun(c, vault.id, '0000000a');
  const second = await triggerRun(c, vault.id, '0000000b');
  const r = await cli(['vault-backups', '--vault-name', 'db', '--trigger', PATH], env);
  expect([r.code, r.err]).toEqual([0, expect.stringContaining(`2 runs of trigger ${PATH} (id ${TRIGGER})`)]);
  const rows = r.out.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
  expect(rows.map((x) => [x[0], x[1], x[4], x[5]])).toEqual([
    ['1', '0000000b', A, second[A]], ['1', '0000000b', B, second[B]], ['2', '0000000a', A, first[A]], ['2', '0000000a', B, first[B]],
  ]);
  const j = await cli(['vault-backups', '--vault-id', vault.id, '--trigger-id', TRIGGER, '--json'], env);
  expect(JSON.parse(j.out).runs.map((x: { run: string; disks: { backupId: string }[] }) => [x.run, x.disks.map((d) => d.backupId)]))
    .toEqual([['0000000b', [second[A], second[B]]], ['0000000a', [first[A], first[B]]]]);
  const bad = await cli(['vault-backups', '--vault-name', 'db', '--trigger', 'BeforeMigration'], env);
  expect([bad.code, bad.err]).toEqual([2, expect.stringContaining("--trigger must be the trigger's construct path, stack first")]);
  const mixed = await cli(['vault-backups', '--vault-name', 'db', '--trigger', PATH, '--since', '2024-01-01'], env);
  expect([mixed.code, mixed.err]).toEqual([2, expect.stringContaining('unknown option --since')]);
});

test('--run previous --dry-run names the second newest run\'s backups and sends nothing; --yes --wait restores exactly those, each disk reported', async () => {
  const { em: e, c, vault, env } = await setup();
  await triggerRun(c, vault.id, '0000000a');
  const previous = await triggerRun(c, vault.id, '0000000b');
  await triggerRun(c, vault.id, '0000000c');
  const dry = await cli(['restore', '--vault-name', 'db', '--trigger', PATH, '--run', 'previous', '--dry-run'], env);
  expect([dry.code, dry.err]).toEqual([0, expect.stringContaining('dry run: 2 restores planned, nothing sent')]);
  expect(dry.err).toContain('run 2 (key 0000000b');
  expect(dry.out).toContain(`${previous[A]}`);
  expect(dry.out).toContain(`${previous[B]}`);
  expect(restores(e)).toEqual([]);
  const r = await cli(['restore', '--vault-name', 'db', '--trigger', PATH, '--run', '2', '--yes', '--wait', '--json'], env);
  expect([r.code, r.err]).toEqual([0, expect.stringContaining('2 disks restored')]);
  expect(JSON.parse(r.out).restores.map((x: Record<string, string>) => [x.targetDisk, x.backupId, x.result])).toEqual([[A, previous[A], 'restored'], [B, previous[B], 'restored']]);
  expect(restores(e).map((x) => [x.path.split('/')[4], x.status])).toEqual([[previous[A], 202], [previous[B], 202]]);
});

test('without --yes: no terminal is exit 2 before any request; on a terminal, "no" sends nothing and "yes" restores', async () => {
  buildCli();
  const { em: e, c, vault, env } = await setup();
  await triggerRun(c, vault.id, '0000000a');
  const before = e.requests().length;
  const r = await runCli(['restore', '--vault-name', 'db', '--trigger', PATH], env);
  expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('no terminal to ask on: give --yes to go ahead, or --dry-run')]);
  expect(e.requests().length).toBe(before);
  const questions: string[] = [];
  const no = await cli(['restore', '--vault-name', 'db', '--trigger', PATH], env, async (q) => { questions.push(q); return 'no'; });
  expect([no.code, no.err]).toEqual([1, expect.stringContaining('not confirmed: nothing was restored')]);
  expect(questions).toEqual([expect.stringContaining('Overwrite 2 disks')]);
  expect(restores(e)).toEqual([]);
  const yes = await cli(['restore', '--vault-name', 'db', '--trigger', PATH], env, async () => 'yes');
  expect(yes.code).toBe(0);
  expect(restores(e)).toHaveLength(2);
});

test('refused before anything is sent (exit 1): a disk with only an error backup, a --resource-id not in the run, two sources onto one disk, a server vault', async () => {
  const { em: e, c, vault, env } = await setup();
  await triggerRun(c, vault.id, '0000000a', [A]);
  e.addFault({ operation: 'createCheckpoint', backupStatus: 'error' });
  const failedB = await triggerRun(c, vault.id, '0000000a', [B]);
  const noGood = await cli(['restore', '--vault-name', 'db', '--trigger', PATH, '--yes'], env);
  expect([noGood.code, noGood.err]).toEqual([1, expect.stringContaining(`has no available backup of 1 disk: disk ${B} (backup ${failedB[B]} error)`)]);
  expect(noGood.err).toContain('nothing was restored');
  const notInRun = await cli(['restore', '--vault-name', 'db', '--trigger', PATH, '--resource-id', C, '--yes'], env);
  expect([notInRun.code, notInRun.err]).toEqual([1, expect.stringContaining(`did not back up 1 disk given with --resource-id: ${C}`)]);
  await triggerRun(c, vault.id, '0000000b');
  const clash = await cli(['restore', '--vault-name', 'db', '--trigger', PATH, '--to', `${A}=${B}`, '--yes'], env);
  expect([clash.code, clash.err]).toEqual([1, expect.stringContaining(`two sources onto one disk: disk ${B} from backup`)]);
  await c.createVault({ vault: { name: 'servers', billing: { ...billing, object_type: 'server' }, resources: [] } });
  const server = await cli(['restore', '--vault-name', 'servers', '--trigger', PATH, '--yes'], env);
  expect([server.code, server.err]).toEqual([1, expect.stringContaining('holds server backups: restore restores disk backups only')]);
  expect(restores(e)).toEqual([]);
  // Leaving the failed disk out restores the other one; --to moves it onto another disk.
  const one = await cli(['restore', '--vault-name', 'db', '--trigger', PATH, '--run', 'previous', '--resource-id', A, '--to', `${A}=${C}`, '--yes'], env);
  expect(one.code).toBe(0);
  expect(one.err).not.toContain('WARNING');
  const tasks = (await c.listTasks({ operation_type: 'restore' })).operation_logs;
  expect(tasks.map((t) => t.extra_info?.restore?.target_resource_id)).toEqual([C]);
});

test('a restore already running for a disk: sent once, refused by the service (2010), exit 1 naming it, the other disk restored, nothing retried', async () => {
  // Long jobs: the restore below runs for the whole test; the run's backups are ended by the emulator's clock control.
  const { em: e, c, vault, env } = await setup(600);
  const run = await triggerRun(c, vault.id, '0000000a');
  e.finishJobs({ vaultId: vault.id });
  expect((await c.listBackups({ vault_id: vault.id, status: 'available' })).count).toBe(2);
  // Someone restores disk A from another backup of it (an automatic one) meanwhile.
  const auto = e.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: 0 });
  const other = (await c.listBackups({ checkpoint_id: auto.id, resource_id: A })).backups[0];
  await c.restoreBackup(other.id, { volumeId: A });
  const r = await cli(['restore', '--vault-name', 'db', '--trigger', PATH, '--yes'], env);
  expect(r.code).toBe(1);
  expect(r.err).toContain(`error: 1 disk of 2 not restored: disk ${A} (backup ${run[A]}): restoreBackup failed: HTTP 400 BackupService.2010`);
  expect(r.out).toMatch(new RegExp(`${B}\\s+${run[B]}\\s+started`));
  expect(restores(e).map((x) => [x.path.split('/')[4], x.status])).toEqual([[other.id, 202], [run[A], 400], [run[B], 202]]);
});

test('a restore whose answer is lost in transit is not sent twice', async () => {
  const { em: e, c, vault, env } = await setup();
  const run = await triggerRun(c, vault.id, '0000000a');
  e.addFault({ operation: 'restoreBackup', drop: 'after' });
  const r = await cli(['restore', '--vault-name', 'db', '--trigger', PATH, '--yes', '--wait'], env);
  expect([r.code, r.err]).toEqual([0, expect.stringContaining('was already sent by an earlier attempt (answer lost): not sent again')]);
  expect(restores(e).map((x) => x.path.split('/')[4])).toEqual([run[A], run[B]]);
});

test('restore --checkpoint-id (any checkpoint, e.g. a person\'s) and --trigger-id --run N: the same plan rules', async () => {
  const { em: e, c, vault, env } = await setup();
  const person = await c.backupVault(vault.id, { name: 'before-upgrade' });
  const checkpointId = person.checkpoints[0].checkpointId;
  const byDisk = Object.fromEntries((await c.listBackups({ checkpoint_id: checkpointId })).backups.map((b) => [b.resource_id, b.id]));
  const dry = await cli(['restore', '--vault-id', vault.id, '--checkpoint-id', checkpointId, '--dry-run', '--json'], env);
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.out)).toMatchObject({ from: `checkpoint ${checkpointId}`, dryRun: true, restores: [{ backupId: byDisk[A], targetDisk: A }, { backupId: byDisk[B], targetDisk: B }] });
  const first = await triggerRun(c, vault.id, '0000000a');
  await triggerRun(c, vault.id, '0000000b');
  const tooFar = await cli(['restore', '--vault-id', vault.id, '--trigger-id', TRIGGER, '--run', '3', '--yes'], env);
  expect([tooFar.code, tooFar.err]).toEqual([1, expect.stringContaining(`trigger id ${TRIGGER} has 2 runs in vault db (id ${vault.id}); --run 3 asks for run 3 (1 is the latest)`)]);
  const r = await cli(['restore', '--vault-id', vault.id, '--trigger-id', TRIGGER, '--run', '2', '--resource-id', B, '--yes'], env);
  expect([r.code, r.err]).toEqual([0, expect.stringContaining('1 restore started; --wait waits for them')]);
  expect(restores(e).map((x) => x.path.split('/')[4])).toEqual([first[B]]);
  // A run with no backup of a disk of the vault (joined when busy, added later, not targeted): said, not hidden.
  await triggerRun(c, vault.id, '0000000c', [A]);
  const partial = await cli(['restore', '--vault-id', vault.id, '--trigger-id', TRIGGER, '--dry-run'], env);
  expect([partial.code, partial.err]).toEqual([0, expect.stringContaining(`WARNING: run 1 (key 0000000c`)]);
  expect(partial.err).toContain(`has no backup of 1 disk of vault db (id ${vault.id}): ${B}; not restored`);
});
