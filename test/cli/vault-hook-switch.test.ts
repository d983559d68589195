/**
 * The VBS -> CBR switch never fails on the retired service: the old policy trigger's
 * before-destroy hook (`hook-trigger`, `VBS_HOOK_PHASE=destroy`), run from the copied bundle as
 * Terraform runs it, meets a policy or a VBS that is gone, warns and exits 0. In the deploy phase
 * a VBS that is not available says so and points at the README section (exit 1).
 */
import { Credentials, VbsClient } from '../../src/client';
import type { Emulator } from '../../src/emulator';
import { PROJECT_ID, TOKEN, copiedHookForFile, emulatorEnv, runCli } from './support';

jest.setTimeout(30_000);

/** The gateway's answer once VBS is no longer routed for the account (src/cli/vbs-retired.ts). */
const UNAVAILABLE = { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment', request_id: 'd0c5e4f3a2b1' };
const README = 'README section "From VBS to CBR"';
const NO_STACK = /^\s+at /m;

let hookFile: string;
let emulator: Emulator;
let policyId: string;

copiedHookForFile('vbs-switch-', (f) => {
  ({ hookFile, emulator } = f);
});
beforeEach(async () => {
  emulator.reset();
  const client = new VbsClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) });
  policyId = await client.createPolicy({
    backup_policy_name: 'nightly-db', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 2, status: 'ON', remain_first_backup_of_curMonth: 'N' },
  });
  await client.close();
});

function trigger(extra: Record<string, string>) {
  return runCli(['hook-trigger'], emulatorEnv(emulator.url, extra), { script: hookFile });
}

test('destroy phase, the policy is gone (migrated): a WARNING naming it and the README section, exit 0', async () => {
  const r = await trigger({ VBS_HOOK_POLICY_NAME: 'migrated-away', VBS_HOOK_PHASE: 'destroy' });
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(new RegExp(`^WARNING: no backup policy named 'migrated-away' in project ${PROJECT_ID} at \\S+: nothing to back up before destroy ` +
    `\\(a policy migrated to CBR is a vault now: see the README section "From VBS to CBR"\\)$`, 'm'));
  expect(emulator.executeCount()).toBe(0);
});

test('destroy phase, the policy disappears between lookup and execute: a WARNING, exit 0', async () => {
  emulator.addFault({ operation: 'executePolicy', status: 404, body: { error: { code: 'AutoBackup.0205', message: 'The backup policy does not exist' } } });
  const r = await trigger({ VBS_HOOK_POLICY_ID: policyId, VBS_HOOK_PHASE: 'destroy' });
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(new RegExp(`^WARNING: policy id ${policyId}: the policy is gone \\(executePolicy failed: HTTP 404 AutoBackup\\.0205: .*README section "From VBS to CBR"\\): nothing backed up before destroy; the destroy carries on$`, 'm'));
});

test('destroy phase, VBS not available to the account: a WARNING saying so, pointing at the README, exit 0', async () => {
  emulator.addFault({ operation: 'listPolicies', status: 404, body: UNAVAILABLE, times: 5 });
  const r = await trigger({ VBS_HOOK_POLICY_NAME: 'nightly-db', VBS_HOOK_PHASE: 'destroy' });
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^WARNING: policy named 'nightly-db': VBS is not available to this account \(listPolicies failed: HTTP 404 APIGW\.0101: The API does not exist .*\): VBS is being retired/m);
  expect(r.stderr).toContain(`(see the ${README}): nothing backed up before destroy; the destroy carries on`);
  expect(emulator.executeCount()).toBe(0);
});

test('deploy phase, VBS not available: says so and points at the README section, exit 1, no stack trace', async () => {
  emulator.addFault({ operation: 'listPolicies', status: 404, body: UNAVAILABLE, times: 5 });
  const r = await trigger({ VBS_HOOK_POLICY_NAME: 'nightly-db' });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: policy named 'nightly-db': VBS is not available to this account \(listPolicies failed: HTTP 404 APIGW\.0101: /m);
  expect(r.stderr).toContain(`a trigger of a migrated policy becomes a vault trigger (see the ${README})`);
  expect(r.stderr).not.toMatch(NO_STACK);
});

test('deploy phase, an unknown policy points at the README section too (exit 1)', async () => {
  const r = await trigger({ VBS_HOOK_POLICY_NAME: 'migrated-away' });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^error: no backup policy named 'migrated-away' in project ${PROJECT_ID} at \\S+ \\(if it was migrated to CBR, see the README section "From VBS to CBR"\\)$`, 'm'));
});

test('destroy phase, an ordinary refusal (no permission) is not taken for a retired VBS: exit 1', async () => {
  emulator.addFault({ operation: 'listPolicies', status: 403, body: { error: { code: 'VolumeBackup.0042', message: 'user role is not allowed for this action' } }, times: 5 });
  const r = await trigger({ VBS_HOOK_POLICY_NAME: 'nightly-db', VBS_HOOK_PHASE: 'destroy' });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: listPolicies failed: HTTP 403 VolumeBackup\.0042: user role is not allowed for this action/m);
  expect(r.stderr).not.toContain('WARNING');
});
