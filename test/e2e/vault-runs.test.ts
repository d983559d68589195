/**
 * Real Terraform, offline, cdktn app written as HCL: vault triggers' runs counted in checkpoints
 * the emulator made. A rerun rule firing; a failed backup then the next apply retrying (a failed
 * checkpoint is never joined: a new one); keepLast after 4 runs (its own older backups deleted,
 * another trigger's, a person's and an automatic backup untouched).
 */
import { Construct } from 'constructs';
import { BackupVault, Rerun } from '../../src';
import { CbrClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import { PROJECT_ID, apiEnv, emulatorAndClientForFile, failed, hookLines, ok, withStack } from './harness';
import { backupsByCheckpoint, backupsOf, cbrClient, checkpointsMade, disks, makeVault } from './vault-support';

jest.setTimeout(120_000);

const HCL = { framework: 'cdktn', output: 'hcl' } as const;

let emulator: Emulator;
let client: CbrClient;

emulatorAndClientForFile({ jobSeconds: 0 }, cbrClient, (em, c) => {
  emulator = em;
  client = c;
});

test('Rerun.onChange: create 1 checkpoint, no-op re-apply 1, a changed value 2', async () => {
  const vaultId = await makeVault(client, 'e2e-rerun', disks('c1'));
  const build = (release: string) => (stack: Construct): void => {
    BackupVault.fromVaultId(stack, 'Db', vaultId).addTrigger('BeforeRelease', { rerun: Rerun.onChange({ release }), waitForCompletion: true });
  };
  await withStack('vault-rerun', apiEnv(emulator), build('1.0.0'), async (sut) => {
    ok(await sut.apply(), 'apply');
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(1);
    ok(await sut.apply(), 're-apply');
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(1);
    sut.resynth(build('1.1.0'));
    ok(await sut.apply(), 'apply of release 1.1.0');
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(2);
    // each run backed up each disk once
    expect(Object.values(backupsByCheckpoint(emulator, vaultId))).toEqual([['available', 'available'], ['available', 'available']]);
  }, HCL);
});

test('a failed backup fails the apply (tainted); the next apply makes a new checkpoint: 2 in all, the second available', async () => {
  const vaultId = await makeVault(client, 'e2e-failed', disks('c2'));
  const build = (stack: Construct): void => {
    BackupVault.fromVaultId(stack, 'Db', vaultId).addTrigger('AfterDeploy', { waitForCompletion: true });
  };
  await withStack('vault-failed', apiEnv(emulator), build, async (sut) => {
    emulator.addFault({ operation: 'createCheckpoint', vaultId, backupStatus: 'error', failReason: 'disk snapshot failed' });
    const apply = failed(await sut.apply(), 'apply whose backups fail');
    expect(apply.output).toContain(disks('c2')[0]);
    expect((await sut.resource('_Run_')).tainted).toBe(true);
    const made = checkpointsMade(emulator, vaultId);
    expect(made).toHaveLength(1);

    const retry = ok(await sut.apply(), 'the next apply');
    expect(hookLines(retry.output)).toContainEqual(expect.stringMatching(new RegExp(`^an earlier attempt of this run made checkpoint ${made[0]} \\(\\S+\\), whose backups ended in error: not joined$`)));
    const after = checkpointsMade(emulator, vaultId);
    expect(after).toHaveLength(2);
    const byCheckpoint = backupsByCheckpoint(emulator, vaultId);
    expect(byCheckpoint[after[0]]).toEqual(['error', 'error']);
    expect(byCheckpoint[after[1]]).toEqual(['available', 'available']);
    expect((await sut.resource('_Run_')).tainted === true).toBe(false);
  }, HCL);
});

test('keepLast: 2 after 4 runs: 2 of its checkpoints left (the newest), another trigger\'s, a person\'s and an automatic backup untouched', async () => {
  const vaultId = await makeVault(client, 'e2e-keep-last', disks('c3'));
  // A person's backup and an automatic one, before the stack exists.
  const manual = await client.backupVault(vaultId, { name: 'before-upgrade' });
  const auto = emulator.startScheduledRun({ projectId: PROJECT_ID, vaultId, jobSeconds: 0 });
  const build = (run: number) => (stack: Construct): void => {
    const vault = BackupVault.fromVaultId(stack, 'Db', vaultId);
    const pruned = vault.addTrigger('Pruned', { rerun: Rerun.onChange({ run: String(run) }), waitForCompletion: true, keepLast: 2 });
    // Runs once, after the pruned trigger's first run; keeps everything.
    vault.addTrigger('Kept', { executeAfter: [pruned], waitForCompletion: true });
  };
  await withStack('vault-keep', apiEnv(emulator), build(1), async (sut) => {
    ok(await sut.apply(), 'apply 1');
    for (const run of [2, 3, 4]) {
      sut.resynth(build(run));
      ok(await sut.apply(), `apply ${run}`);
    }
    const made = checkpointsMade(emulator, vaultId);
    // the person's backup (through the API) first, then apply 1: Pruned, Kept; applies 2-4: Pruned
    expect(made).toHaveLength(6);
    const [person, pruned1, kept, pruned2, pruned3, pruned4] = made;
    expect(person).toBe(manual.checkpoints[0].checkpointId);
    expect(Object.keys(backupsByCheckpoint(emulator, vaultId)).sort()).toEqual([auto.id, person, kept, pruned3, pruned4].sort());
    expect(backupsOf(emulator, vaultId)).toHaveLength(10);
    // what was deleted: the pruned trigger's first two runs, each disk's backup, nothing else
    const deleted = emulator.requests({ operation: 'deleteBackup', vaultId }).filter((r) => r.status === 204);
    expect(deleted).toHaveLength(4);
    expect(new Set(deleted.map((r) => r.checkpointId))).toEqual(new Set([pruned1, pruned2]));
  }, HCL);
});
