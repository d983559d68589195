import { randomUUID } from 'node:crypto';
import { Emulator } from '../../src/emulator';
import { VbsClient } from '../../src/client';
import { MARKER_TAG_KEY } from '../../src/cli/hook-plan';
import { PROJECT_ID, TOKEN, emulatorEnv, runCli, startEmulatorFixture, stopEmulatorFixture } from './support';

let emulator: Emulator;
let client: VbsClient;

const IDENTITY = 'a1b2c3d4e5f60718';
const [v1, v2, v3] = [randomUUID(), randomUUID(), randomUUID()];

function spec(o: { name?: string; tags?: Record<string, string>; frequency?: number } = {}): string {
  return JSON.stringify({
    name: o.name ?? 'nightly-db',
    scheduled_policy: { start_time: '02:00', frequency: o.frequency ?? 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
    time_zone: null,
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

function attach(volume: string, identity = IDENTITY) {
  return hook('hook-volume-attach', { VBS_HOOK_IDENTITY: identity, VBS_HOOK_VOLUME: volume });
}

function detach(volume: string, removal?: string) {
  return hook('hook-volume-detach', { VBS_HOOK_IDENTITY: IDENTITY, VBS_HOOK_VOLUME: volume, VBS_HOOK_REMOVAL: removal });
}

/** Applies the policy and attaches `volumes`, as Terraform does for a new policy; resolves to its id. */
async function applyWithVolumes(volumes: string[] = [v1, v2]): Promise<string> {
  const id = (await apply('rev0000000000001')).stdout.trim();
  for (const v of volumes) expect((await attach(v)).code).toBe(0);
  return id;
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

beforeAll(async () => ({ emulator, client } = await startEmulatorFixture()));
afterAll(() => stopEmulatorFixture({ emulator, client }));
beforeEach(() => emulator.reset());

describe('hook-policy-apply', () => {
  test('creates the policy with tags and marker (no volumes: they are the volume hooks\' part), and prints its id', async () => {
    const r = await apply('rev0000000000001');
    expect(r.code).toBe(0);
    const [p] = managed();
    expect(r.stdout).toBe(`${p.backup_policy_id}\n`);
    expect(r.stderr).toContain(`created policy nightly-db (id ${p.backup_policy_id}) in project ${PROJECT_ID}`);
    expect(p.volume_ids).toEqual([]);
    expect(tagMap(p)).toEqual({ team: 'db', [MARKER_TAG_KEY]: `${IDENTITY}_rev0000000000001` });
  });

  test('updates in place: same id, new schedule and name, tags reconciled, new marker, volumes untouched', async () => {
    const id = await applyWithVolumes([v2, v3]);
    const before = emulator.requests().length;
    const r = await apply('rev0000000000002', spec({ name: 'nightly-db2', frequency: 3, tags: { team: 'ops', tier: 'gold' } }));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(id);
    expect(r.stderr).toContain(`updated policy nightly-db2 (id ${id}) in place in project ${PROJECT_ID} (revision rev0000000000001 -> rev0000000000002)`);
    expect(r.stderr).not.toContain('WARNING');
    const ops = emulator.requests().slice(before).map((q) => q.operation);
    expect(ops).not.toContain('associateVolumes');
    expect(ops).not.toContain('disassociateVolumes');
    const all = managed();
    expect(all).toHaveLength(1);
    const [p] = all;
    expect(p.backup_policy_id).toBe(id);
    expect(p.backup_policy_name).toBe('nightly-db2');
    expect(p.scheduled_policy.frequency).toBe(3);
    expect(p.volume_ids.sort()).toEqual([v2, v3].sort());
    expect(tagMap(p)).toEqual({ team: 'ops', tier: 'gold', [MARKER_TAG_KEY]: `${IDENTITY}_rev0000000000002` });
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

describe('hook-volume-attach', () => {
  test('associates the one volume with the managed policy, naming policy, id, project and volume', async () => {
    const id = (await apply('rev0000000000001')).stdout.trim();
    const r = await attach(v1);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${v1}\n`);
    expect(r.stderr).toContain(`attached volume ${v1} to policy nightly-db (id ${id}) in project ${PROJECT_ID}`);
    expect(managed()[0].volume_ids).toEqual([v1]);
    expect(emulator.requests({ operation: 'associateVolumes' })).toHaveLength(1);
  });

  test('moves a volume from another policy (the VBS rule)', async () => {
    const other = await client.createPolicy({
      backup_policy_name: 'other', scheduled_policy: { start_time: '03:00', frequency: 1, rentention_num: 2, remain_first_backup_of_curMonth: 'N', status: 'ON' },
    });
    await client.associateVolumes(other, [v1]);
    const id = (await apply('rev0000000000001')).stdout.trim();
    expect((await attach(v1)).code).toBe(0);
    expect(stored().find((p) => p.backup_policy_id === other)?.volume_ids).toEqual([]);
    expect(stored().find((p) => p.backup_policy_id === id)?.volume_ids).toEqual([v1]);
  });

  test('fails (exit 1) when the managed policy does not exist', async () => {
    const r = await attach(v1, 'ffffffffffffffff');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: attaching volume ${v1} to the managed policy with identity ffffffffffffffff failed: no managed backup policy with identity ffffffffffffffff`);
  });

  test('an API failure exits 1 naming the operation, never the token', async () => {
    await apply('rev0000000000001');
    emulator.addFault({ operation: 'associateVolumes', status: 500, times: 10 });
    const r = await hook('hook-volume-attach', { VBS_HOOK_IDENTITY: IDENTITY, VBS_HOOK_VOLUME: v1, VBS_HOOK_TIMEOUT: '20' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error: attaching volume ${v1} .*associateVolumes`));
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
  });
});

describe('hook-volume-detach', () => {
  test('disassociates exactly its volume', async () => {
    const id = await applyWithVolumes([v1, v2, v3]);
    const r = await detach(v2);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`detached volume ${v2} from policy nightly-db (id ${id}) in project ${PROJECT_ID}`);
    expect(managed()[0].volume_ids.sort()).toEqual([v1, v3].sort());
    expect(emulator.requests({ operation: 'disassociateVolumes' })).toHaveLength(1);
  });

  test('a volume that moved to another policy is not an error, and stays where it is', async () => {
    await applyWithVolumes([v1, v2]);
    const other = await client.createPolicy({
      backup_policy_name: 'other', scheduled_policy: { start_time: '03:00', frequency: 1, rentention_num: 2, remain_first_backup_of_curMonth: 'N', status: 'ON' },
    });
    await client.associateVolumes(other, [v2]);
    const r = await detach(v2);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`volume ${v2} is not in policy nightly-db \\(id .*\\) in project ${PROJECT_ID} \\(AutoBackup\\.\\d+: .*\\); it may have moved to another policy: nothing to detach`));
    expect(stored().find((p) => p.backup_policy_id === other)?.volume_ids).toEqual([v2]);
    expect(managed()[0].volume_ids).toEqual([v1]);
  });

  test('with removal retain the volume stays attached to the retained policy', async () => {
    const id = await applyWithVolumes([v1]);
    const r = await detach(v1, 'retain');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`volume ${v1} stays attached to policy nightly-db (id ${id}) in project ${PROJECT_ID} (removal policy retain)`);
    expect(managed()[0].volume_ids).toEqual([v1]);
    expect(emulator.requests({ operation: 'disassociateVolumes' })).toHaveLength(0);
  });

  test('a policy that is gone has nothing to detach (exit 0)', async () => {
    const r = await detach(v1);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`no managed policy with identity ${IDENTITY} in project ${PROJECT_ID}: volume ${v1} has no policy to be detached from`);
  });

  test('VBS_HOOK_TIMEOUT bounds the hook; a failure exits 1', async () => {
    await applyWithVolumes([v1]);
    emulator.addFault({ operation: 'disassociateVolumes', delayMs: 5000 });
    const r = await hook('hook-volume-detach', { VBS_HOOK_IDENTITY: IDENTITY, VBS_HOOK_VOLUME: v1, VBS_HOOK_TIMEOUT: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: detaching volume ${v1} from the managed policy with identity ${IDENTITY} failed: timed out after 1 s \\(VBS_HOOK_TIMEOUT\\)`, 'm'));
  });
});

describe('hook-backup', () => {
  let id: string;
  beforeEach(async () => {
    id = await applyWithVolumes();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each([
    ['id', () => ({ VBS_HOOK_POLICY_ID: id })],
    ['name', () => ({ VBS_HOOK_POLICY_NAME: 'nightly-db' })],
    ['identity', () => ({ VBS_HOOK_POLICY_IDENTITY: IDENTITY })],
  ])('by %s starts one run and says what it started', async (_kind, ref) => {
    const r = await hook('hook-backup', ref());
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`started a backup run of policy nightly-db (id ${id}) in project ${PROJECT_ID}: 2 volumes`);
    expect(emulator.executeCount(id)).toBe(1);
  });

  test('waits for the jobs and reports their final state', async () => {
    const r = await hook('hook-backup', { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WAIT: 'true', VBS_HOOK_TIMEOUT: '60' });
    expect(r.code).toBe(0);
    for (const v of [v1, v2]) expect(r.stderr).toMatch(new RegExp(`job \\S+ on volume ${v}: EXECUTE_SUCCESS`));
    expect(r.stderr).toContain('all 2 jobs of the run finished');
  });

  test('fails (exit 1) when a job ends EXECUTE_FAIL, naming the volume and the reason', async () => {
    emulator.addFault({ operation: 'executePolicy', policyId: id, jobStatus: 'EXECUTE_FAIL', failReason: 'volume is being detached' });
    const r = await hook('hook-backup', { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WAIT: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error: backup run of policy nightly-db .* failed: .*volume ${v1} EXECUTE_FAIL \\(volume is being detached\\)`));
  });

  test('with failure mode continue, a failure is a WARNING and exit 0', async () => {
    emulator.addFault({ operation: 'executePolicy', policyId: id, jobStatus: 'EXECUTE_TIMEOUT', failReason: 'backend timeout' });
    const r = await hook('hook-backup', { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WAIT: 'true', VBS_HOOK_FAILURE_MODE: 'continue' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^WARNING: backup run of policy nightly-db .*EXECUTE_TIMEOUT \(backend timeout\).*failure mode continue/m);
  });

  test('an unknown policy fails with a clear message', async () => {
    const r = await hook('hook-backup', { VBS_HOOK_POLICY_NAME: 'no-such-policy' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: no backup policy named 'no-such-policy' in project ${PROJECT_ID}`);
  });

  test('VBS_HOOK_TIMEOUT bounds the whole hook', async () => {
    emulator.addFault({ operation: 'executePolicy', policyId: id, delayMs: 5000 });
    const r = await hook('hook-backup', { VBS_HOOK_POLICY_ID: id, VBS_HOOK_TIMEOUT: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: timed out after 1 s \(VBS_HOOK_TIMEOUT\)/m);
  });

  test('VBS_HOOK_ENDPOINT and VBS_HOOK_PROJECT_ID win over VBS_ENDPOINT and HW_PROJECT_ID', async () => {
    const r = await runCli(['hook-backup'], emulatorEnv('http://127.0.0.1:9', {
      HW_PROJECT_ID: 'b'.repeat(32), VBS_HOOK_ENDPOINT: emulator.url, VBS_HOOK_PROJECT_ID: PROJECT_ID, VBS_HOOK_POLICY_ID: id,
    }));
    expect(r.code).toBe(0);
    expect(emulator.executeCount(id)).toBe(1);
  });

  test('before destroy, a policy that is already gone is nothing to back up', async () => {
    const r = await hook('hook-backup', { VBS_HOOK_POLICY_IDENTITY: 'ffffffffffffffff', VBS_HOOK_PHASE: 'destroy' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('nothing to back up before destroy');
    expect(emulator.executeCount()).toBe(0);
  });
});
