/**
 * Real Terraform, offline, cdktn app as JSON: the way back. A vault trigger runs before a
 * migration (rerun on the migration's version); the stack is applied at three versions (three
 * runs). `vault-backups --trigger` lists them; `restore --run previous --dry-run` names the
 * second run's backups and sends nothing; `restore --yes --wait` restores both disks from
 * exactly those backups (the emulator's log: two restores, of those backup ids) and reports
 * each disk; after destroy the run made before destroy is listed first, marked. The CLI derives the trigger id from the construct path as synth does.
 */
import { Construct } from 'constructs';
import { TerraformResource } from 'cdktn';
import { BackupVault, Rerun } from '../../src';
import { main } from '../../src/cli/main';
import { CbrClient, vaultTriggerId } from '../../src/client';
import { Emulator } from '../../src/emulator';
import { captureIo } from '../cli/support';
import { apiEnv, emulatorAndClientForFile, ok, withStack } from './harness';
import { cbrClient, checkpointsMade, disks, makeVault } from './vault-support';

jest.setTimeout(180_000);

let emulator: Emulator;
let client: CbrClient;

emulatorAndClientForFile({ jobSeconds: 0 }, cbrClient, (em, c) => {
  emulator = em;
  client = c;
});

async function cli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const cap = captureIo(env);
  const code = await main(args, cap.io);
  return { code, out: cap.stdout(), err: cap.stderr() };
}

test('three applies, three runs; restore --run previous: the dry run names the second run\'s backups, --yes --wait restores exactly those', async () => {
  const vaultId = await makeVault(client, 'e2e-restore', disks('f1'));
  const [diskA, diskB] = disks('f1');
  const build = (version: string) => (stack: Construct): void => {
    const migration = new TerraformResource(stack, 'Migration', { terraformResourceType: 'terraform_data' });
    migration.addOverride('triggers_replace', { version });
    BackupVault.fromVaultId(stack, 'Db', vaultId).addTrigger('BeforeMigration', {
      executeBefore: [migration],
      // Before the migration, so on the migration's version (whenChanged waits for the resources it watches).
      rerun: Rerun.onChange({ version }),
      waitForCompletion: true,
      backupBeforeDestroy: true,
    });
  };
  const env = apiEnv(emulator);
  await withStack('vault-restore', env, build('v1'), async (sut) => {
    ok(await sut.apply(), 'apply v1');
    for (const version of ['v2', 'v3']) {
      sut.resynth(build(version));
      ok(await sut.apply(), `apply ${version}`);
    }
    const made = checkpointsMade(emulator, vaultId);
    expect(made).toHaveLength(3);
    const second = (await client.listBackups({ checkpoint_id: made[1] })).backups;
    const byDisk = Object.fromEntries(second.map((b) => [b.resource_id, b.id]));
    expect(Object.keys(byDisk).sort()).toEqual([diskA, diskB].sort());
    const path = 'vault-restore/Db/BeforeMigration';

    const runs = await cli(['vault-backups', '--vault-name', 'e2e-restore', '--trigger', path, '--json'], env);
    expect(runs.code).toBe(0);
    const listed = JSON.parse(runs.out);
    expect(listed.triggerId).toBe(vaultTriggerId(path));
    expect(listed.runs.map((r: { checkpointIds: string[] }) => r.checkpointIds)).toEqual([[made[2]], [made[1]], [made[0]]]);

    const dry = await cli(['restore', '--vault-name', 'e2e-restore', '--trigger', path, '--run', 'previous', '--dry-run', '--json'], env);
    expect([dry.code, dry.err]).toEqual([0, expect.stringContaining('nothing sent')]);
    expect(JSON.parse(dry.out).restores.map((r: Record<string, string>) => [r.sourceDisk, r.backupId, r.targetDisk]).sort())
      .toEqual([[diskA, byDisk[diskA], diskA], [diskB, byDisk[diskB], diskB]].sort());
    expect(emulator.requests({ operation: 'restoreBackup' })).toEqual([]);

    const restored = await cli(['restore', '--vault-name', 'e2e-restore', '--trigger', path, '--run', 'previous', '--yes', '--wait'], env);
    expect([restored.code, restored.err]).toEqual([0, expect.stringContaining('2 disks restored')]);
    for (const disk of [diskA, diskB]) expect(restored.out).toMatch(new RegExp(`^${disk}\\s+${byDisk[disk]}\\s+restored$`, 'm'));
    const log = emulator.requests({ operation: 'restoreBackup' });
    expect(log.map((r) => [r.path.split('/')[4], r.status]).sort()).toEqual([[byDisk[diskA], 202], [byDisk[diskB], 202]].sort());
    const tasks = (await client.listTasks({ operation_type: 'restore', vault_id: vaultId })).operation_logs;
    expect(tasks.map((t) => [t.extra_info?.restore?.backup_id, t.extra_info?.restore?.target_resource_id, t.status]).sort())
      .toEqual([[byDisk[diskA], diskA, 'success'], [byDisk[diskB], diskB, 'success']].sort());

    // Destroyed with backupBeforeDestroy: a fourth run, listed first and marked.
    ok(await sut.destroy(), 'destroy');
    const after = JSON.parse((await cli(['vault-backups', '--vault-name', 'e2e-restore', '--trigger', path, '--json'], env)).out);
    expect(after.runs.map((r: { beforeDestroy: boolean }) => r.beforeDestroy)).toEqual([true, false, false, false]);
    expect(after.runs[0].run).toMatch(/^d[0-9a-f]{7}$/);
  });
});
