/**
 * Real Terraform, offline, cdktn app as JSON: `terraform apply` interrupted (SIGINT, as Ctrl-C
 * sends) while its vault trigger waits for a long backup, then applied again: the retried run
 * finds its own checkpoint and joins it (still one checkpoint); then `Rerun.whenChanged` fires
 * on the watched migration and makes a new one. Counts are checkpoints the emulator made.
 */
import { Construct } from 'constructs';
import { TerraformResource } from 'cdktn';
import { BackupVault, Rerun } from '../../src';
import { CbrClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import { HOUR, apiEnv, emulatorAndClientForFile, endRunsWhenWaitedFor, hookLines, ok, withStack } from './harness';
import { backupsByCheckpoint, cbrClient, checkpointsMade, disks, makeVault, until } from './vault-support';

jest.setTimeout(120_000);

let emulator: Emulator;
let client: CbrClient;

// Backups last an hour, so the apply is interrupted while the trigger waits whatever the
// machine's speed; the applies after it end them once their hook waits (endRunsWhenWaitedFor).
emulatorAndClientForFile({ jobSeconds: HOUR }, cbrClient, (em, c) => {
  emulator = em;
  client = c;
});

test('interrupted while waiting, then retried: 1 checkpoint; the migration changes: Rerun.whenChanged makes a 2nd', async () => {
  const vaultId = await makeVault(client, 'e2e-interrupt', disks('d1'));
  const build = (schema: string) => (stack: Construct): void => {
    const migration = new TerraformResource(stack, 'Migration', { terraformResourceType: 'terraform_data' });
    migration.addOverride('triggers_replace', { schema });
    BackupVault.fromVaultId(stack, 'Db', vaultId).addTrigger('AfterMigration', {
      executeAfter: [migration],
      rerun: Rerun.whenChanged(migration),
      waitForCompletion: true,
      timeoutSeconds: 120,
    });
  };
  await withStack('vault-interrupt', apiEnv(emulator), build('v1'), async (sut) => {
    const { child, result } = sut.tf.start(['apply', '-auto-approve', '-input=false', '-no-color']);
    // Ctrl-C once the trigger's checkpoint exists (its backups are still protecting)
    await until('the trigger\'s checkpoint', () => checkpointsMade(emulator, vaultId).length === 1);
    child.kill('SIGINT');
    const interrupted = await result;
    expect(interrupted.code).not.toBe(0);
    expect(interrupted.output).toContain('Interrupt received');
    process.stdout.write(`\ninterrupted apply (exit ${interrupted.code}), its last lines:\n  ${interrupted.output.trim().split('\n').slice(-6).join('\n  ')}\n`);
    const [first] = checkpointsMade(emulator, vaultId);
    expect(backupsByCheckpoint(emulator, vaultId)[first]).toEqual(['protecting', 'protecting']);

    const apply = () => endRunsWhenWaitedFor(emulator, { vaultId }, sut.apply());
    const retry = ok(await apply(), 'the apply after the interrupt');
    expect(checkpointsMade(emulator, vaultId)).toEqual([first]);
    expect(backupsByCheckpoint(emulator, vaultId)).toEqual({ [first]: ['available', 'available'] });
    expect((await sut.resource('_Run_')).tainted === true).toBe(false);
    expect(hookLines(retry.output)).toContainEqual(expect.stringMatching(
      new RegExp(`^checkpoint ${first} \\(\\S+\\) of vault e2e-interrupt \\(id ${vaultId}\\) was made by an earlier attempt of this run \\(2 backups: (?:protecting|available)\\): joining it, no new backup$`)));

    ok(await apply(), 'a no-op apply');
    expect(checkpointsMade(emulator, vaultId)).toEqual([first]);

    sut.resynth(build('v2'));
    ok(await apply(), 'the apply of the next migration');
    const made = checkpointsMade(emulator, vaultId);
    expect(made).toHaveLength(2);
    expect(made[0]).toBe(first);
    expect(backupsByCheckpoint(emulator, vaultId)[made[1]]).toEqual(['available', 'available']);
  }, { framework: 'cdktn', output: 'json' });
});
