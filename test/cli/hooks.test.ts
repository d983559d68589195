import { randomUUID } from 'node:crypto';
import { startEmulator, Emulator } from '../../src/emulator';
import { Credentials, VbsClient } from '../../src/client';
import { MARKER_TAG_KEY } from '../../src/cli/hook-plan';
import { PROJECT_ID, TOKEN, buildCli, emulatorEnv, runCli } from './support';

let emulator: Emulator;
let client: VbsClient;

const IDENTITY = 'a1b2c3d4e5f60718';
const [v1, v2, v3] = [randomUUID(), randomUUID(), randomUUID()];

function spec(o: { name?: string; volumes?: string[]; tags?: Record<string, string>; frequency?: number } = {}): string {
  return JSON.stringify({
    name: o.name ?? 'nightly-db',
    scheduled_policy: { start_time: '02:00', frequency: o.frequency ?? 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
    time_zone: null,
    volume_ids: o.volumes ?? [v1, v2],
    tags: o.tags ?? { team: 'db' },
  });
}

function hook(command: string, env: Record<string, string | undefined>) {
  return runCli([command], emulatorEnv(emulator.url, env));
}

function apply(revision: string, specJson = spec()) {
  return hook('hook-policy-apply', { VBS_HOOK_IDENTITY: IDENTITY, VBS_HOOK_REVISION: revision, VBS_HOOK_SPEC: specJson });
}

function destroy(revision: string, removal?: string) {
  return hook('hook-policy-destroy', { VBS_HOOK_IDENTITY: IDENTITY, VBS_HOOK_REVISION: revision, VBS_HOOK_REMOVAL: removal });
}

function stored() {
  return emulator.policies(PROJECT_ID) as unknown as { backup_policy_id: string; backup_policy_name: string; scheduled_policy: { frequency?: number }; volume_ids: string[]; tags: { key: string; value: string }[] }[];
}

function managed() {
  return stored().filter((p) => p.tags.some((t) => t.key === MARKER_TAG_KEY));
}

function tagMap(p: { tags: { key: string; value: string }[] }) {
  return Object.fromEntries(p.tags.map((t) => [t.key, t.value]));
}

beforeAll(async () => {
  buildCli();
  emulator = await startEmulator({ tokens: [TOKEN], jobSeconds: 0 });
  client = new VbsClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) });
});
afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});
beforeEach(() => emulator.reset());

describe('hook-policy-apply', () => {
  test('creates the policy with volumes, tags and marker, and prints its id', async () => {
    const r = await apply('rev0000000000001');
    expect(r.code).toBe(0);
    const [p] = managed();
    expect(r.stdout).toBe(`${p.backup_policy_id}\n`);
    expect(r.stderr).toContain(`created policy nightly-db (id ${p.backup_policy_id}) in project ${PROJECT_ID}`);
    expect(p.volume_ids.sort()).toEqual([v1, v2].sort());
    expect(tagMap(p)).toEqual({ team: 'db', [MARKER_TAG_KEY]: `${IDENTITY}_rev0000000000001` });
  });

  test('updates in place: same id, new schedule and name, volumes and tags reconciled, new marker', async () => {
    const first = await apply('rev0000000000001');
    const id = first.stdout.trim();
    await client.executePolicy(id); // the jobs show which volumes the policy holds
    const r = await apply('rev0000000000002', spec({ name: 'nightly-db2', frequency: 3, volumes: [v2, v3], tags: { team: 'ops', tier: 'gold' } }));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(id);
    expect(r.stderr).toContain(`updated policy nightly-db2 (id ${id}) in place in project ${PROJECT_ID} (revision rev0000000000001 -> rev0000000000002)`);
    expect(r.stderr).toContain(`disassociated 1 volume: ${v1}`);
    expect(r.stderr).not.toContain('WARNING');
    const all = managed();
    expect(all).toHaveLength(1);
    const [p] = all;
    expect(p.backup_policy_id).toBe(id);
    expect(p.backup_policy_name).toBe('nightly-db2');
    expect(p.scheduled_policy.frequency).toBe(3);
    expect(p.volume_ids.sort()).toEqual([v2, v3].sort());
    expect(tagMap(p)).toEqual({ team: 'ops', tier: 'gold', [MARKER_TAG_KEY]: `${IDENTITY}_rev0000000000002` });
  });

  test('warns when the policy holds volumes it cannot identify (the API does not list them)', async () => {
    await apply('rev0000000000001');
    const r = await apply('rev0000000000002', spec({ volumes: [v2] }));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/WARNING: policy nightly-db \(id .*\) holds 2 volumes but the spec lists 1; the VBS API does not list a policy's volumes/);
  });

  test('an API failure exits 1 naming the policy and the operation', async () => {
    emulator.addFault({ operation: 'createPolicy', status: 400, body: { error: { code: 'AutoBackup.0203', message: 'quota exceeded' } } });
    const r = await apply('rev0000000000001');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: applying policy nightly-db (identity ${IDENTITY}, revision rev0000000000001) failed: createPolicy failed: HTTP 400 AutoBackup.0203: quota exceeded`);
  });
});

describe('hook-policy-destroy', () => {
  test('skips a policy a newer revision took over', async () => {
    await apply('rev0000000000001');
    await apply('rev0000000000002');
    const r = await destroy('rev0000000000001');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/policy nightly-db \(id .*\) was replaced by a newer revision \(rev0000000000002, this is rev0000000000001\), not deleting/);
    expect(managed()).toHaveLength(1);
  });

  test('retains with VBS_HOOK_REMOVAL=retain', async () => {
    await apply('rev0000000000001');
    const r = await destroy('rev0000000000001', 'retain');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/policy nightly-db \(id .*\) retained in project .* \(removal policy retain\)/);
    expect(managed()).toHaveLength(1);
  });

  test('deletes its own revision', async () => {
    const id = (await apply('rev0000000000001')).stdout.trim();
    const r = await destroy('rev0000000000001', 'destroy');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`deleted policy nightly-db (id ${id}) from project ${PROJECT_ID}`);
    expect(managed()).toHaveLength(0);
  });

  test('says so and exits 0 when there is nothing to delete', async () => {
    const r = await destroy('rev0000000000001');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`no managed policy with identity ${IDENTITY} in project ${PROJECT_ID}: nothing to delete`);
  });
});

describe('hook-trigger', () => {
  let id: string;
  beforeEach(async () => {
    id = (await apply('rev0000000000001')).stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each([
    ['id', () => ({ VBS_HOOK_POLICY_ID: id })],
    ['name', () => ({ VBS_HOOK_POLICY_NAME: 'nightly-db' })],
    ['identity', () => ({ VBS_HOOK_POLICY_IDENTITY: IDENTITY })],
  ])('by %s starts one run and says what it started', async (_kind, ref) => {
    const r = await hook('hook-trigger', ref());
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`started a backup run of policy nightly-db (id ${id}) in project ${PROJECT_ID}: 2 volumes`);
    expect(emulator.executeCount(id)).toBe(1);
  });

  test('waits for the jobs and reports their final state', async () => {
    const r = await hook('hook-trigger', { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WAIT: 'true', VBS_HOOK_TIMEOUT: '60' });
    expect(r.code).toBe(0);
    for (const v of [v1, v2]) expect(r.stderr).toMatch(new RegExp(`job \\S+ on volume ${v}: EXECUTE_SUCCESS`));
    expect(r.stderr).toContain('all 2 jobs of the run finished');
  });

  test('fails (exit 1) when a job ends EXECUTE_FAIL, naming the volume and the reason', async () => {
    emulator.addFault({ operation: 'executePolicy', policyId: id, jobStatus: 'EXECUTE_FAIL', failReason: 'volume is being detached' });
    const r = await hook('hook-trigger', { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WAIT: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error: backup run of policy nightly-db .* failed: .*volume ${v1} EXECUTE_FAIL \\(volume is being detached\\)`));
  });

  test('with failure mode continue, a failure is a WARNING and exit 0', async () => {
    emulator.addFault({ operation: 'executePolicy', policyId: id, jobStatus: 'EXECUTE_TIMEOUT', failReason: 'backend timeout' });
    const r = await hook('hook-trigger', { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WAIT: 'true', VBS_HOOK_FAILURE_MODE: 'continue' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^WARNING: backup run of policy nightly-db .*EXECUTE_TIMEOUT \(backend timeout\).*failure mode continue/m);
  });

  test('an unknown policy fails with a clear message', async () => {
    const r = await hook('hook-trigger', { VBS_HOOK_POLICY_NAME: 'no-such-policy' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: no backup policy named 'no-such-policy' in project ${PROJECT_ID}`);
  });

  test('VBS_HOOK_TIMEOUT bounds the whole hook', async () => {
    emulator.addFault({ operation: 'executePolicy', policyId: id, delayMs: 5000 });
    const r = await hook('hook-trigger', { VBS_HOOK_POLICY_ID: id, VBS_HOOK_TIMEOUT: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: timed out after 1 s \(VBS_HOOK_TIMEOUT\)/m);
  });

  test('VBS_HOOK_ENDPOINT and VBS_HOOK_PROJECT_ID win over VBS_ENDPOINT and HW_PROJECT_ID', async () => {
    const r = await runCli(['hook-trigger'], emulatorEnv('http://127.0.0.1:9', {
      HW_PROJECT_ID: 'b'.repeat(32), VBS_HOOK_ENDPOINT: emulator.url, VBS_HOOK_PROJECT_ID: PROJECT_ID, VBS_HOOK_POLICY_ID: id,
    }));
    expect(r.code).toBe(0);
    expect(emulator.executeCount(id)).toBe(1);
  });

  test('before destroy, a policy that is already gone is nothing to back up', async () => {
    const r = await hook('hook-trigger', { VBS_HOOK_POLICY_IDENTITY: 'ffffffffffffffff', VBS_HOOK_PHASE: 'destroy' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('nothing to back up before destroy');
    expect(emulator.executeCount()).toBe(0);
  });
});
