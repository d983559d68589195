/**
 * `hook-vault-trigger` as Terraform runs it: the bundled executor copied alone into a folder
 * without node_modules, its inputs in VBS_HOOK_* variables, against the real emulator (CBR).
 * Counts are the emulator's: checkpoints made (`checkpointCount`), backups held, requests logged.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CbrClient, Credentials, WireCbrBackup, WireCbrVault } from '../../src/client';
import { Emulator, startEmulator } from '../../src/emulator';
import { HOUR, PROJECT_ID, TOKEN, baseEnv, buildCli, endJobsWhenWaiting, runCli, stoppedAfterEach } from './support';

jest.setTimeout(60_000);

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const OTHER = '99999999-9999-4999-8999-999999999999';
const TRIGGER = '0a1b2c3d4e5f';
const LABEL = 'App-AfterMigration';
const RUN = '1f2e3d4c';
const billing = { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 } as const;
const NO_STACK = /^\s+at /m;

let dir: string;
let hookFile: string;

beforeAll(() => {
  // The shipped file alone, as the asset Terraform runs: no node_modules anywhere above it.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-vault-hook-'));
  hookFile = path.join(dir, 'assets', 'VbsBackupHookExecutor', 'vbs-backup-hook.js');
  fs.mkdirSync(path.dirname(hookFile), { recursive: true });
  fs.copyFileSync(buildCli().hook, hookFile);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const started = stoppedAfterEach<CbrClient>();

interface Setup {
  em: Emulator;
  api: CbrClient;
  vault: WireCbrVault;
  /** Runs the hook with the trigger's variables, `extra` on top (undefined removes one). */
  hook: (extra?: Record<string, string | undefined>, o?: Parameters<typeof runCli>[2]) => ReturnType<typeof runCli>;
}

/** The hook's lines that say it waits for running backups: busy ones, or those of its run. */
const WAITS = /already being backed up \(|^backup \S+ of resource \S+: protecting$/;

/** `runCli` options that end the emulator's running backups when the hook says it waits for them. */
const endWhenWaiting = (em: Emulator) => endJobsWhenWaiting(em, WAITS);

async function setup(o: { jobSeconds?: number } = {}): Promise<Setup> {
  const em = await startEmulator({ tokens: [TOKEN], jobSeconds: o.jobSeconds ?? 0 });
  started.emulator = em;
  const api = new CbrClient({ endpoint: em.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN), env: {} });
  started.client = api;
  const vault = await api.createVault({ vault: { name: 'nightly-db', billing, resources: [A, B].map((id) => ({ id, type: 'OS::Cinder::Volume' as const })) } });
  const hook = (extra: Record<string, string | undefined> = {}, options: Parameters<typeof runCli>[2] = {}) => runCli(['hook-vault-trigger'], baseEnv({
    // The apply environment: credentials and project; VBS_ENDPOINT points nowhere (the vault hook speaks CBR).
    HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN, VBS_ENDPOINT: 'http://127.0.0.1:9',
    // The provisioner environment the constructs write (connection.endpoint is the CBR URL).
    VBS_HOOK_ENDPOINT: em.url, VBS_HOOK_VAULT_ID: vault.id, VBS_HOOK_TRIGGER_ID: TRIGGER, VBS_HOOK_LABEL: LABEL, VBS_HOOK_RUN: RUN,
    ...extra,
  }), { script: hookFile, timeoutMs: 45_000, ...options });
  return { em, api, vault, hook };
}

/** Backups per resource whose name has `fragment`. */
function count(em: Emulator, vaultId: string, fragment: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of em.backups(PROJECT_ID, vaultId)) if (b.name.includes(fragment)) out[b.resource_id] = (out[b.resource_id] ?? 0) + 1;
  return out;
}

function ownNames(em: Emulator, vaultId: string): string[] {
  return [...new Set(em.backups(PROJECT_ID, vaultId).filter((b) => b.name.includes(`-${TRIGGER}-`)).map((b) => b.name))];
}

describe('the vault', () => {
  test('by id: one checkpoint named <label>-<trigger id>-<run>-<UTC>-<hex>, a backup per resource', async () => {
    const { em, vault, hook } = await setup();
    const r = await hook();
    expect(r.stderr).toMatch(new RegExp(`^vault backup trigger \\(deploy\\): vault id ${vault.id} in project ${PROJECT_ID}, run ${RUN}$`, 'm'));
    expect(r.code).toBe(0);
    const name = new RegExp(`^${LABEL}-${TRIGGER}-${RUN}-\\d{8}T\\d{6}-[0-9a-f]{6}$`);
    expect(ownNames(em, vault.id)).toEqual([expect.stringMatching(name)]);
    expect(r.stdout).toMatch(new RegExp(`^[0-9a-f-]{36} ${LABEL}-${TRIGGER}-${RUN}-\\S+\\n$`));
    expect(r.stderr).toMatch(new RegExp(`^made checkpoint [0-9a-f-]{36} \\(${LABEL}-\\S+\\) of vault nightly-db \\(id ${vault.id}\\): 2 resources$`, 'm'));
    expect(em.checkpointCount(vault.id)).toBe(1);
    expect(count(em, vault.id, `-${TRIGGER}-`)).toEqual({ [A]: 1, [B]: 1 });
  });

  test('by name, one of its resources, full: only that resource, a full backup', async () => {
    const { em, vault, hook } = await setup();
    const r = await hook({ VBS_HOOK_VAULT_ID: undefined, VBS_HOOK_VAULT_NAME: 'nightly-db', VBS_HOOK_RESOURCE_IDS: B, VBS_HOOK_INCREMENTAL: 'false' });
    expect(r.code).toBe(0);
    expect(em.backups(PROJECT_ID, vault.id).map((b) => [b.resource_id, b.extend_info?.incremental])).toEqual([[B, false]]);
    expect(em.checkpointCount(vault.id)).toBe(1);
  });

  test.each([
    ['an unknown vault name', { VBS_HOOK_VAULT_ID: undefined, VBS_HOOK_VAULT_NAME: 'no-such-vault' },
      /^error: no vault named "no-such-vault" in project \w+ at http:\/\/127\.0\.0\.1:\d+$/m],
    ['an unknown vault id', { VBS_HOOK_VAULT_ID: OTHER }, new RegExp(`^error: no vault with id ${OTHER} in project \\w+ at http://127\\.0\\.0\\.1:\\d+$`, 'm')],
    ['ids the vault does not hold', { VBS_HOOK_RESOURCE_IDS: `${A},${OTHER}` },
      new RegExp(`^error: 1 resource of VBS_HOOK_RESOURCE_IDS not in vault nightly-db \\(id \\S+\\): ${OTHER}; its resources: ${A}, ${B}$`, 'm')],
  ])('%s: exit 1, named, no stack trace, nothing backed up', async (_name, extra, message) => {
    const { em, hook } = await setup();
    const r = await hook(extra);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toBe('');
    expect(em.checkpointCount()).toBe(0);
  });

  test('a missing run key is a usage error naming the variable (exit 2)', async () => {
    const { em, hook } = await setup();
    const r = await hook({ VBS_HOOK_RUN: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('vbs-backup hook-vault-trigger: VBS_HOOK_RUN must be set to 8 lower-case hex digits (Terraform computes it)');
    expect(em.checkpointCount()).toBe(0);
  });
});

describe('an automatic backup of the vault is running', () => {
  test('wait (the default): waits for it, then one checkpoint of both resources', async () => {
    const { em, vault, hook } = await setup();
    em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: HOUR });
    const r = await hook({ VBS_HOOK_WAIT: 'true', VBS_HOOK_TIMEOUT: '30' }, endWhenWaiting(em));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^2 resources already being backed up \\(${A} backup [0-9a-f-]{36} protecting, ${B} backup [0-9a-f-]{36} protecting\\)$`, 'm'));
    expect(r.stderr).toMatch(/^the running backups of 2 resources ended \(waited \d+\.\d s\); backing them up now$/m);
    expect(r.stderr).toMatch(/^all 2 backups available$/m);
    expect(em.checkpointCount(vault.id)).toBe(1);
    expect(count(em, vault.id, `-${TRIGGER}-${RUN}-`)).toEqual({ [A]: 1, [B]: 1 });
    const accepted = em.requests({ operation: 'createCheckpoint' }).filter((x) => x.status === 200);
    expect(accepted).toHaveLength(1);
    // made once the automatic backups had ended
    const autoEnds = em.backups(PROJECT_ID, vault.id).filter((b) => b.name.startsWith('autobk_')).map((b) => Date.parse(b.updated_at ?? ''));
    expect(autoEnds).toHaveLength(2);
    expect(Date.parse(accepted[0].time)).toBeGreaterThanOrEqual(Math.max(...autoEnds));
  });

  test('join: the automatic backups count as this run\'s; no checkpoint made', async () => {
    const { em, vault, hook } = await setup();
    const auto = em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: HOUR });
    const r = await hook({ VBS_HOOK_WHEN_BUSY: 'join', VBS_HOOK_WAIT: 'true' }, endWhenWaiting(em));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^resource ${A} was already being backed up \\(backup [0-9a-f-]{36} "autobk_[0-9a-f]{4}", protecting\\): it counts as this run's backup \\(when busy: join\\)$`, 'm'));
    expect(r.stdout.trim().split('\n').sort()).toEqual([A, B].sort().map((id) => expect.stringMatching(new RegExp(`^${auto.id} autobk_[0-9a-f]{4} joined for resource ${id}$`))));
    expect(em.checkpointCount(vault.id)).toBe(0);
    expect(count(em, vault.id, `-${TRIGGER}-`)).toEqual({});
  });

  test('fail: exit 1 naming the resources, their running backups and the WhenBusy choices; no backup', async () => {
    const { em, vault, hook } = await setup();
    em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: HOUR });
    const r = await hook({ VBS_HOOK_WHEN_BUSY: 'fail' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: backupVault: vault ${vault.id}: 2 resources are being backed up: ${A} \\(backup [0-9a-f-]{36} protecting "autobk_[0-9a-f]{4}"\\); ${B} `, 'm'));
    expect(r.stderr).toContain('whenBusy is WhenBusy.FAIL, so the deployment does not wait; WhenBusy.WAIT_THEN_RUN (the default) waits for those backups');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(em.checkpointCount(vault.id)).toBe(0);
  });

  test('wait is bounded by VBS_HOOK_TIMEOUT: exit 1 naming the bound', async () => {
    const { em, vault, hook } = await setup();
    em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: HOUR });
    const r = await hook({ VBS_HOOK_TIMEOUT: '2' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: backupVault gave up waiting after \\d+\\.\\d s: vault ${vault.id}: 2 resources are being backed up: .* \\(bound: 2 s, VBS_HOOK_TIMEOUT\\)$`, 'm'));
    expect(em.checkpointCount(vault.id)).toBe(0);
  });
});

describe('waitForCompletion and failure modes', () => {
  test('waits until every backup is available', async () => {
    const { em, vault, hook } = await setup({ jobSeconds: HOUR });
    const r = await hook({ VBS_HOOK_WAIT: 'true' }, endWhenWaiting(em));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^backup [0-9a-f-]{36} of resource ${A}: protecting$`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^backup [0-9a-f-]{36} of resource ${A}: available$`, 'm'));
    expect(r.stderr).toMatch(/^all 2 backups available$/m);
    expect(em.backups(PROJECT_ID, vault.id).map((b) => b.status)).toEqual(['available', 'available']);
  });

  test('a backup ending in error: exit 1 naming the resource (fail); a WARNING and exit 0 (continue)', async () => {
    const { em, vault, hook } = await setup();
    em.addFault({ operation: 'createCheckpoint', backupStatus: 'error' });
    const failed = await hook({ VBS_HOOK_WAIT: 'true', VBS_HOOK_RESOURCE_IDS: A });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`^error: backup of vault nightly-db \\(id ${vault.id}\\) failed: 1 backup of 1 ended in error: resource ${A} `, 'm'));
    expect(failed.stderr).not.toMatch(NO_STACK);
    em.addFault({ operation: 'createCheckpoint', backupStatus: 'error' });
    const carried = await hook({ VBS_HOOK_WAIT: 'true', VBS_HOOK_RESOURCE_IDS: A, VBS_HOOK_FAILURE_MODE: 'continue', VBS_HOOK_RUN: 'aaaaaaaa' });
    expect(carried.code).toBe(0);
    expect(carried.stderr).toMatch(new RegExp(`^WARNING: backup of vault nightly-db \\(id ${vault.id}\\) failed: 1 backup of 1 ended in error: resource ${A} .*\\(failure mode continue: the deployment carries on\\)$`, 'm'));
    expect(em.checkpointCount(vault.id)).toBe(2);
  });
});

describe('a retried run joins its own checkpoint', () => {
  test('the same run twice: one checkpoint; a new run key: a new one', async () => {
    const { em, vault, hook } = await setup();
    expect((await hook()).code).toBe(0);
    const again = await hook({ VBS_HOOK_WAIT: 'true' });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`^checkpoint [0-9a-f-]{36} \\(${LABEL}-${TRIGGER}-${RUN}-\\S+\\) of vault nightly-db \\(id ${vault.id}\\) was made by an earlier attempt of this run \\(2 backups: available\\): joining it, no new backup$`, 'm'));
    expect(em.checkpointCount(vault.id)).toBe(1);
    expect(em.requests({ operation: 'createCheckpoint' })).toHaveLength(1);
    expect((await hook({ VBS_HOOK_RUN: '9e8d7c6b' })).code).toBe(0);
    expect(em.checkpointCount(vault.id)).toBe(2);
    expect(count(em, vault.id, `-${TRIGGER}-`)).toEqual({ [A]: 2, [B]: 2 });
  });

  test('while the first attempt is still protecting, the retry joins it and waits for its backups', async () => {
    const { em, vault, hook } = await setup({ jobSeconds: HOUR });
    const first = await hook();
    expect(first.code).toBe(0);
    expect(em.backups(PROJECT_ID, vault.id).map((b) => b.status)).toEqual(['protecting', 'protecting']);
    const retry = await hook({ VBS_HOOK_WAIT: 'true' }, endWhenWaiting(em));
    expect(retry.code).toBe(0);
    expect(retry.stderr).toMatch(/was made by an earlier attempt of this run \(2 backups: protecting\): joining it, no new backup$/m);
    expect(retry.stderr).toMatch(/^all 2 backups available$/m);
    expect(retry.stdout).toBe(first.stdout);
    expect(em.checkpointCount(vault.id)).toBe(1);
  });

  test('interrupted (SIGINT) while it waits, then retried: the retry joins, one checkpoint', async () => {
    const { em, vault } = await setup({ jobSeconds: HOUR });
    const env = baseEnv({
      HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN, VBS_HOOK_ENDPOINT: em.url, VBS_HOOK_VAULT_ID: vault.id,
      VBS_HOOK_TRIGGER_ID: TRIGGER, VBS_HOOK_LABEL: LABEL, VBS_HOOK_RUN: RUN, VBS_HOOK_WAIT: 'true',
    });
    // The first attempt is interrupted as Ctrl-C on terraform apply does, once it waits for its backups.
    const interrupted = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [hookFile, 'hook-vault-trigger'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (/^waiting up to \d+ s for the backups to be final$/m.test(stderr)) child.kill('SIGINT');
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    });
    expect(interrupted.signal ?? interrupted.code).not.toBe(0);
    expect(interrupted.stderr).not.toMatch(/all 2 backups available/);
    expect(em.backups(PROJECT_ID, vault.id).map((b) => b.status)).toEqual(['protecting', 'protecting']);
    const retry = await runCli(['hook-vault-trigger'], env, { script: hookFile, ...endWhenWaiting(em) });
    expect(retry.code).toBe(0);
    expect(retry.stderr).toMatch(/was made by an earlier attempt of this run \(2 backups: protecting\): joining it, no new backup$/m);
    expect(retry.stderr).toMatch(/^all 2 backups available$/m);
    expect(em.checkpointCount(vault.id)).toBe(1);
    expect(em.requests({ operation: 'createCheckpoint' })).toHaveLength(1);
  });

  test('a resource added to the vault since the first attempt: the retry joins and backs up only that one', async () => {
    const { em, api, vault, hook } = await setup();
    expect((await hook()).code).toBe(0);
    await api.addVaultResources(vault.id, [{ id: OTHER, type: 'OS::Cinder::Volume' }]);
    const retry = await hook({ VBS_HOOK_WAIT: 'true' });
    expect(retry.code).toBe(0);
    expect(retry.stderr).toMatch(/joining it, no new backup\n1 resource of this run not in that checkpoint: backing it up now\n/);
    expect(em.checkpointCount(vault.id)).toBe(2);
    expect(count(em, vault.id, `-${TRIGGER}-${RUN}-`)).toEqual({ [A]: 1, [B]: 1, [OTHER]: 1 });
  });

  test('an answer lost after the checkpoint was made: backupVault finds it, one checkpoint', async () => {
    const { em, vault, hook } = await setup();
    em.addFault({ operation: 'createCheckpoint', drop: 'after' });
    const r = await hook();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^checkpoint [0-9a-f-]{36} \(\S+\) of vault nightly-db \(id \S+\) was already made by an earlier request: /m);
    expect(em.checkpointCount(vault.id)).toBe(1);
  });

  test('a failed run\'s retry makes a new checkpoint, and a retry after that joins the good one', async () => {
    const { em, vault, hook } = await setup();
    em.addFault({ operation: 'createCheckpoint', backupStatus: 'error' });
    expect((await hook({ VBS_HOOK_WAIT: 'true' })).code).toBe(1);
    const retry = await hook({ VBS_HOOK_WAIT: 'true' });
    expect(retry.code).toBe(0);
    expect(retry.stderr).toMatch(/^an earlier attempt of this run made checkpoint [0-9a-f-]{36} \(\S+\), whose backups ended in error: not joined$/m);
    expect(em.checkpointCount(vault.id)).toBe(2);
    expect((await hook({ VBS_HOOK_WAIT: 'true' })).code).toBe(0);
    expect(em.checkpointCount(vault.id)).toBe(2);
  });
});

describe('keepLast', () => {
  test('keepLast 2 after 4 runs: 2 of its backups left per resource; another trigger\'s, a manual and an automatic one untouched', async () => {
    const { em, api, vault, hook } = await setup();
    em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: 0 });
    await api.backupVault(vault.id, { resourceIds: [A] }); // a person's, named vbs-backup-...
    expect((await hook({ VBS_HOOK_TRIGGER_ID: 'ffffffffffff', VBS_HOOK_RUN: '00000001' })).code).toBe(0); // another trigger
    const before = em.backups(PROJECT_ID, vault.id).filter((b) => !b.name.includes(`-${TRIGGER}-`));
    const runs = ['00000001', '00000002', '00000003', '00000004'];
    let last: Awaited<ReturnType<Setup['hook']>> | undefined;
    for (const run of runs) {
      last = await hook({ VBS_HOOK_RUN: run, VBS_HOOK_KEEP_LAST: '2', VBS_HOOK_WAIT: 'true' });
      expect(last.code).toBe(0);
    }
    expect(last!.stderr).toMatch(/^keep last 2: deleted backup [0-9a-f-]{36} \(\S+-00000002-\S+, available\) of resource \S+, created \S+$/m);
    expect(last!.stderr).toMatch(/^keep last 2: deleted 2 of 2 older backups of this trigger in vault nightly-db/m);
    expect(em.checkpointCount(vault.id)).toBe(1 + 1 + 4);
    const mine = em.backups(PROJECT_ID, vault.id).filter((b) => b.name.includes(`-${TRIGGER}-`));
    const runsLeft = (resource: string) => mine.filter((b: WireCbrBackup) => b.resource_id === resource).map((b) => b.name.split('-')[3]).sort();
    expect(runsLeft(A)).toEqual(['00000003', '00000004']);
    expect(runsLeft(B)).toEqual(['00000003', '00000004']);
    expect(em.backups(PROJECT_ID, vault.id).filter((b) => !b.name.includes(`-${TRIGGER}-`))).toEqual(before);
    expect(before.map((b) => b.name.replace(/_[0-9a-f]{4}$|-\d{8}T.*$/, ''))).toEqual(expect.arrayContaining(['autobk', 'vbs-backup', `${LABEL}-ffffffffffff-00000001`]));
    expect(em.requests({ operation: 'deleteBackup' })).toHaveLength(4);
  });

  test('a delete the service refuses is a WARNING: the run succeeded (exit 0), the next run prunes it', async () => {
    const { em, vault, hook } = await setup();
    for (const run of ['00000001', '00000002']) expect((await hook({ VBS_HOOK_RUN: run, VBS_HOOK_KEEP_LAST: '1' })).code).toBe(0);
    expect(em.requests({ operation: 'deleteBackup' }).filter((q) => q.status === 204)).toHaveLength(2);
    em.addFault({ operation: 'deleteBackup', status: 400, body: { error_code: 'BackupService.6201', error_msg: 'The backup cannot be deleted' }, times: 2 });
    const r = await hook({ VBS_HOOK_RUN: '00000003', VBS_HOOK_KEEP_LAST: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^WARNING: keep last 1: backup [0-9a-f-]{36} \(\S+-00000002-\S+\) of resource \S+ was not deleted: deleteBackup failed: HTTP 400 BackupService\.6201: The backup cannot be deleted/m);
    expect(r.stderr).toMatch(/^keep last 1: deleted 0 of 2 older backups of this trigger/m);
    expect((await hook({ VBS_HOOK_RUN: '00000004', VBS_HOOK_KEEP_LAST: '1' })).code).toBe(0);
    expect(count(em, vault.id, `-${TRIGGER}-`)).toEqual({ [A]: 1, [B]: 1 });
  });
});

describe('before destroy', () => {
  test('the destroy phase makes its own checkpoint (run d + 7 hex), never joining the deploy run\'s', async () => {
    const { em, vault, hook } = await setup();
    expect((await hook()).code).toBe(0);
    const r = await hook({ VBS_HOOK_PHASE: 'destroy', VBS_HOOK_WAIT: 'true' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^vault backup trigger \\(before destroy\\): vault id ${vault.id} in project ${PROJECT_ID}, run d${RUN.slice(0, 7)}, waiting`, 'm'));
    expect(em.checkpointCount(vault.id)).toBe(2);
    expect(ownNames(em, vault.id)).toEqual(expect.arrayContaining([expect.stringContaining(`-${TRIGGER}-d${RUN.slice(0, 7)}-`)]));
    // Its retry joins it.
    expect((await hook({ VBS_HOOK_PHASE: 'destroy' })).code).toBe(0);
    expect(em.checkpointCount(vault.id)).toBe(2);
  });

  test('a vault already gone: a WARNING, exit 0', async () => {
    const { em, hook } = await setup();
    const r = await hook({ VBS_HOOK_PHASE: 'destroy', VBS_HOOK_VAULT_ID: OTHER });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^WARNING: no vault with id ${OTHER} in project \\w+ at \\S+: nothing to back up before destroy$`, 'm'));
    expect(em.checkpointCount()).toBe(0);
  });

  test('before destroy, a vault named nowhere is a WARNING (exit 0); a name of two vaults is not gone: exit 1 naming both', async () => {
    const { em, api, vault, hook } = await setup();
    const gone = await hook({ VBS_HOOK_PHASE: 'destroy', VBS_HOOK_VAULT_ID: undefined, VBS_HOOK_VAULT_NAME: 'no-such-vault' });
    expect(gone.code).toBe(0);
    expect(gone.stderr).toMatch(/^WARNING: no vault named "no-such-vault" in project \w+ at \S+: nothing to back up before destroy$/m);
    const twin = await api.createVault({ vault: { name: 'nightly-db', billing, resources: [] } });
    const r = await hook({ VBS_HOOK_PHASE: 'destroy', VBS_HOOK_VAULT_ID: undefined, VBS_HOOK_VAULT_NAME: 'nightly-db' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: 2 vaults are named "nightly-db" \\(${vault.id}, ${twin.id}\\) in project \\w+; refer to one by id$`, 'm'));
    expect(r.stderr).not.toContain('WARNING');
    expect(em.checkpointCount()).toBe(0);
  });
});
