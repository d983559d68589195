/**
 * `hook-backup`, the one hook command of both triggers (src/cli/hook-backup.ts), run from the
 * bundled executor copied alone into a folder, as Terraform runs it: what it backs up is decided
 * by its variables, whatever the word (the words of builds before 1.0, `hook-trigger` and
 * `hook-vault-trigger`, run the same way). Counts are the emulator's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CbrClient, Credentials, VbsClient } from '../../src/client';
import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT_ID, TOKEN, baseEnv, buildCli, runCli } from './support';

jest.setTimeout(60_000);

const DISK = '5c4b3a29-1807-4f6e-9d5c-4b3a29180799';
const TRIGGER = '0a1b2c3d4e5f';
const WORDS = ['hook-backup', 'hook-trigger', 'hook-vault-trigger'];
const billing = { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 } as const;

let dir: string;
let hookFile: string;
let emulator: Emulator;
let policyId: string;
let vaultId: string;
/** The last request of the setup: what a test's hook sends comes after it. */
let since: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-hook-backup-'));
  hookFile = path.join(dir, 'vbs-backup-hook.js');
  fs.copyFileSync(buildCli().hook, hookFile);
  emulator = await startEmulator({ tokens: [TOKEN], jobSeconds: 0 });
});
afterAll(async () => {
  await emulator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  emulator.reset();
  const vbs = new VbsClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN), env: {} });
  const cbr = new CbrClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN), env: {} });
  try {
    policyId = await vbs.createPolicy({
      backup_policy_name: 'nightly-db', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 2, status: 'ON', remain_first_backup_of_curMonth: 'N' },
    });
    await vbs.associateVolumes(policyId, [DISK]);
    vaultId = (await cbr.createVault({ vault: { name: 'nightly-db', billing, resources: [{ id: DISK, type: 'OS::Cinder::Volume' }] } })).id;
  } finally {
    await vbs.close();
    await cbr.close();
  }
  since = Math.max(0, ...emulator.requests().map((r) => r.seq));
});

/** The requests the hook sent. */
const sent = () => emulator.requests().filter((r) => r.seq > since);

/** Runs `word` with the apply environment (credentials, project) and the hook variables `extra`. */
function hook(word: string, extra: Record<string, string>, args: string[] = []) {
  return runCli([word, ...args], baseEnv({ HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN, VBS_HOOK_ENDPOINT: emulator.url, ...extra }), { script: hookFile });
}

/** The variables a vault trigger's hook resource gives its hook. */
const vaultVariables = (extra: Record<string, string> = {}) => ({ VBS_HOOK_VAULT_NAME: 'nightly-db', VBS_HOOK_TRIGGER_ID: TRIGGER, VBS_HOOK_LABEL: 'app-Backup', VBS_HOOK_RUN: '1f2e3d4c', ...extra });

const services = () => new Set(sent().map((r) => r.path.split('/')[1]));

test.each(WORDS)('%s with a policy\'s variables runs the policy once, nothing on CBR', async (word) => {
  const r = await hook(word, { VBS_HOOK_POLICY_ID: policyId });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^backup trigger \(deploy\): policy id /) });
  expect(emulator.executeCount(policyId)).toBe(1);
  expect(emulator.checkpointCount(vaultId)).toBe(0);
  expect(services()).toEqual(new Set(['v2']));
});

test.each(WORDS)('%s with a vault\'s variables backs the vault up once, nothing on VBS', async (word) => {
  const r = await hook(word, vaultVariables());
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^vault backup trigger \(deploy\): vault named 'nightly-db' /) });
  expect(emulator.checkpointCount(vaultId)).toBe(1);
  expect(emulator.executeCount()).toBe(0);
  expect(services()).toEqual(new Set(['v3']));
});

describe('a vault trigger switched to a policy trigger (same construct ids): the new destroy hook with the old vault\'s variables', () => {
  test('backs the vault up once, before destroy, as the vault trigger would have', async () => {
    const r = await hook('hook-backup', vaultVariables({ VBS_HOOK_PHASE: 'destroy' }));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^vault backup trigger \(before destroy\): vault named 'nightly-db' in project \w+, run d1f2e3d4/);
    expect(emulator.checkpointCount(vaultId)).toBe(1);
    expect(emulator.backups(PROJECT_ID, vaultId).map((b) => b.name)).toEqual([expect.stringMatching(new RegExp(`^app-Backup-${TRIGGER}-d1f2e3d4-`))]);
    expect(emulator.executeCount()).toBe(0);
  });

  test('a vault that is gone is a WARNING, exit 0: the destroy carries on', async () => {
    const r = await hook('hook-backup', vaultVariables({ VBS_HOOK_VAULT_NAME: 'deleted-vault', VBS_HOOK_PHASE: 'destroy' }));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^WARNING: .*deleted-vault.*: nothing to back up before destroy$/m);
    expect(emulator.checkpointCount()).toBe(0);
  });
});

test('a policy and a vault both named: a usage error naming both, exit 2, nothing sent', async () => {
  const r = await hook('hook-backup', vaultVariables({ VBS_HOOK_POLICY_NAME: 'nightly-db' }));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('vbs-backup hook-backup: a policy (VBS_HOOK_POLICY_NAME) and a vault (VBS_HOOK_VAULT_NAME) are both set; allowed: the variables of one of them');
  expect(sent()).toEqual([]);
});

test.each(WORDS)('%s naming nothing: a usage error listing the variables, exit 2', async (word) => {
  const r = await hook(word, { VBS_HOOK_POLICY_ID: '', VBS_HOOK_TRIGGER_ID: TRIGGER });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`vbs-backup ${word}: nothing to back up: set one of VBS_HOOK_POLICY_ID, VBS_HOOK_POLICY_NAME, VBS_HOOK_POLICY_IDENTITY (a policy) or one of VBS_HOOK_VAULT_ID, VBS_HOOK_VAULT_NAME (a vault)`);
  expect(r.stderr).toContain('Hook commands read their inputs from VBS_HOOK_* variables set by the cdktf-vbs-backup constructs.');
});

test('--help prints the hook help; any other argument is refused', async () => {
  const help = await hook('hook-backup', {}, ['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('hook-backup; hook-trigger and hook-vault-trigger of earlier builds run as\nhook-backup)');
  const extra = await hook('hook-backup', vaultVariables(), ['now']);
  expect(extra.code).toBe(2);
  expect(extra.stderr).toContain("vbs-backup hook-backup: hook-backup takes no arguments (got 'now')");
});
