/**
 * A policy trigger switched to a vault keeps its resource addresses, so Terraform replaces its
 * before-destroy resource in place and runs the NEW configuration's destroy hook
 * (`hook-vault-trigger`) with the OLD resource's values: a policy's (`VBS_HOOK_POLICY_*`, no
 * vault). Run from the copied bundle as Terraform runs it, that hook is the policy's
 * before-destroy: it runs the policy when it is still there, and warns (exit 0) when it is gone.
 * The end-to-end switch is test/examples/vault-examples.test.ts.
 */
import { Credentials, VbsClient } from '../../src/client';
import type { Emulator } from '../../src/emulator';
import { PROJECT_ID, TOKEN, copiedHookForFile, emulatorEnv, runCli } from './support';

let hookFile: string;
let emulator: Emulator;

copiedHookForFile('vbs-replaced-', (f) => {
  ({ hookFile, emulator } = f);
});

function vaultHook(extra: Record<string, string>) {
  return runCli(['hook-vault-trigger'], emulatorEnv(emulator.url, extra), { script: hookFile });
}

test('destroy phase with a policy\'s values, the policy still there: it runs that policy once (as hook-trigger), exit 0', async () => {
  const client = new VbsClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) });
  const policyId = await client.createPolicy({
    backup_policy_name: 'still-on-vbs', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 2, status: 'ON', remain_first_backup_of_curMonth: 'N' },
  });
  await client.associateVolumes(policyId, ['5c4b3a29-1807-4f6e-9d5c-4b3a29180799']);
  await client.close();
  const r = await vaultHook({ VBS_HOOK_POLICY_NAME: 'still-on-vbs', VBS_HOOK_PHASE: 'destroy' });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^backup trigger \(before destroy\): /) });
  expect(emulator.executeCount(policyId)).toBe(1);
  expect(emulator.requests().filter((r) => r.path.includes('/v3/'))).toEqual([]);
});

test('destroy phase with a policy\'s values, the policy gone (migrated): a WARNING pointing at "From VBS to CBR", exit 0', async () => {
  const r = await vaultHook({ VBS_HOOK_POLICY_NAME: 'migrated-away', VBS_HOOK_PHASE: 'destroy' });
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^WARNING: no backup policy named 'migrated-away' .*README section "From VBS to CBR"/m);
});

test('deploy phase with no vault: still the usage error naming the variables (exit 2)', async () => {
  const r = await vaultHook({ VBS_HOOK_POLICY_NAME: 'nightly-db' });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('exactly one of VBS_HOOK_VAULT_ID, VBS_HOOK_VAULT_NAME must be set, got none');
});
