/**
 * Real Terraform, offline, cdktf app written as HCL: a vault trigger meets an automatic backup of
 * its vault in progress at apply (the vault's policy started it), in each WhenBusy mode. Counts
 * are the checkpoints the emulator made for createCheckpoint (automatic runs are not counted).
 * Backups last an hour of emulator time: the test ends them once the hook is seen polling them
 * (`endRunsWhenWaitedFor`), so the hook always meets the automatic backup running and nothing
 * waits out a job time.
 */
import { Construct } from 'constructs';
import { BackupVault, WhenBusy } from '../../src';
import { CbrClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import {
  HOUR, PROJECT_ID, StackUnderTest, apiEnv, emulatorAndClientForFile, endRunsWhenWaitedFor, failed, hookLines, ok, withStack,
} from './harness';
import { backupsOf, cbrClient, checkpointsMade, disks, makeVault } from './vault-support';

jest.setTimeout(120_000);

const HCL = { framework: 'cdktf', output: 'hcl' } as const;

let emulator: Emulator;
let client: CbrClient;

emulatorAndClientForFile({ jobSeconds: HOUR }, cbrClient, (em, c) => {
  emulator = em;
  client = c;
});

function triggerOn(vaultId: string, whenBusy: WhenBusy) {
  return (stack: Construct): void => {
    BackupVault.fromVaultId(stack, 'Db', vaultId).addTrigger('Backup', { whenBusy, waitForCompletion: true, timeoutSeconds: 120 });
  };
}

/** Applies the stack, ending the vault's backups whenever its hook polls them. */
const apply = (sut: StackUnderTest, vaultId: string) => endRunsWhenWaitedFor(emulator, { vaultId }, sut.apply());

/** What the user sees: the hook's lines, in the test's output. */
const show = (mode: string, output: string): void => {
  process.stdout.write(`\n${mode}, an automatic backup running at apply, the hook says:\n  ${hookLines(output).join('\n  ')}\n`);
};

/** The end (epoch ms) of the automatic run's backups. */
const autoEnds = (vaultId: string): number[] =>
  backupsOf(emulator, vaultId).filter((b) => b.extend_info?.auto_trigger === true).map((b) => Date.parse(b.updated_at ?? b.created_at));

test('WAIT_THEN_RUN: the apply waits for the automatic backup, then makes exactly 1 checkpoint of both disks', async () => {
  const vaultId = await makeVault(client, 'e2e-busy-wait', disks('b1'));
  await withStack('vault-busy-wait', apiEnv(emulator), triggerOn(vaultId, WhenBusy.WAIT_THEN_RUN), async (sut) => {
    emulator.startScheduledRun({ projectId: PROJECT_ID, vaultId });
    const applied = ok(await apply(sut, vaultId), 'apply while an automatic backup runs');
    show('WAIT_THEN_RUN', applied.output);
    const lines = hookLines(applied.output);
    expect(lines).toContainEqual(expect.stringMatching(/^2 resources already being backed up \(.*protecting.*\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^the running backups of 2 resources ended \(waited \d+\.\d s\); backing them up now$/));
    const made = checkpointsMade(emulator, vaultId);
    expect(made).toHaveLength(1);
    const ours = backupsOf(emulator, vaultId).filter((b) => b.checkpoint_id === made[0]);
    expect(ours.map((b) => [b.resource_id, b.status]).sort()).toEqual(disks('b1').map((d) => [d, 'available']));
    // our backups started once the automatic ones were over
    const end = Math.max(...autoEnds(vaultId));
    for (const b of ours) expect(Date.parse(b.created_at)).toBeGreaterThanOrEqual(end);
    expect((await sut.resource('_Run_')).tainted === true).toBe(false);
  }, HCL);
});

test('JOIN_RUNNING: the automatic backup counts as the run: 0 checkpoints, the apply passes', async () => {
  const vaultId = await makeVault(client, 'e2e-busy-join', disks('b2'));
  await withStack('vault-busy-join', apiEnv(emulator), triggerOn(vaultId, WhenBusy.JOIN_RUNNING), async (sut) => {
    emulator.startScheduledRun({ projectId: PROJECT_ID, vaultId });
    const applied = ok(await apply(sut, vaultId), 'apply while an automatic backup runs');
    show('JOIN_RUNNING', applied.output);
    for (const d of disks('b2')) {
      expect(hookLines(applied.output)).toContainEqual(expect.stringMatching(new RegExp(`^resource ${d} was already being backed up \\(backup \\S+ "autobk_\\w+", protecting\\): it counts as this run's backup \\(when busy: join\\)$`)));
    }
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(0);
    expect(backupsOf(emulator, vaultId).map((b) => [b.extend_info?.auto_trigger, b.status])).toEqual([[true, 'available'], [true, 'available']]);
    ok(await apply(sut, vaultId), 're-apply');
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(0);
  }, HCL);
});

test('FAIL: the apply fails naming the busy disks, 0 checkpoints, tainted; the next apply makes exactly 1', async () => {
  const vaultId = await makeVault(client, 'e2e-busy-fail', disks('b3'));
  await withStack('vault-busy-fail', apiEnv(emulator), triggerOn(vaultId, WhenBusy.FAIL), async (sut) => {
    emulator.startScheduledRun({ projectId: PROJECT_ID, vaultId });
    const applied = failed(await sut.apply(), 'apply with WhenBusy.FAIL while an automatic backup runs');
    show('FAIL', applied.output);
    expect(hookLines(applied.output)).toContainEqual(expect.stringMatching(/^error: backupVault: vault \S+: 2 resources are being backed up: .* whenBusy is WhenBusy\.FAIL, so the deployment does not wait; /));
    for (const d of disks('b3')) expect(applied.output).toContain(d);
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(0);
    expect((await sut.resource('_Run_')).tainted).toBe(true);

    expect(emulator.finishJobs({ vaultId }).backups).toBe(2);
    ok(await apply(sut, vaultId), 'apply after the automatic backup');
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(1);
    expect((await sut.resource('_Run_')).tainted === true).toBe(false);
  }, HCL);
});
