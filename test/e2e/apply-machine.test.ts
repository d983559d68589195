/**
 * Real Terraform, offline: the hooks run where `terraform apply` runs, with the `node` of that
 * machine's PATH (README "Where the hook runs"). Without `node` the apply fails, says so, and
 * leaves the run tainted; the next apply with `node` runs the policy exactly once.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { BackupPolicy } from '../../src';
import { VbsClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import { apiClient, apiEnv, failed, makeTempDir, ok, startE2eEmulator, withStack } from './harness';

jest.setTimeout(120_000);

let emulator: Emulator;
let client: VbsClient;
let bin: string;

beforeAll(async () => {
  emulator = await startE2eEmulator();
  client = apiClient(emulator);
  // a PATH with terraform on it and no node
  bin = makeTempDir('vbs-e2e-no-node');
  const terraform = execFileSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).trim();
  fs.symlinkSync(terraform, path.join(bin, 'terraform'));
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
  if (bin) fs.rmSync(bin, { recursive: true, force: true });
});

test('without node on the apply machine the apply fails naming node and taints the run; with node the next apply runs it once', async () => {
  const policyId = await client.createPolicy({
    backup_policy_name: 'e2e-no-node',
    scheduled_policy: { start_time: '01:00', frequency: 1, rentention_num: 2, remain_first_backup_of_curMonth: 'N', status: 'ON' },
  });
  const build = (stack: Construct): void => {
    BackupPolicy.fromPolicyId(stack, 'Existing', policyId).addTrigger('Trigger');
  };
  await withStack('no-node', apiEnv(emulator), build, async (sut) => {
    const withoutNode = failed(
      await sut.tf.run(['apply', '-auto-approve', '-input=false', '-no-color'], { PATH: bin }),
      'apply without node on the PATH',
    );
    expect(withoutNode.output).toMatch(/"node": executable file not found/);
    expect(emulator.executeCount(policyId)).toBe(0);
    expect((await sut.resource('_Run_')).tainted).toBe(true);

    ok(await sut.apply(), 'apply with node');
    expect(emulator.executeCount(policyId)).toBe(1);
    ok(await sut.apply(), 're-apply');
    expect(emulator.executeCount(policyId)).toBe(1);
  });
});
