/**
 * The client against the real emulator over loopback: every operation, each credential kind,
 * and the no-duplicate execute rule with faults the emulator injects.
 */
import { Credentials, VbsAmbiguousNameError, VbsApiError, VbsClient, VbsClientOptions, VbsError } from '../../src/client';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';
import type { Emulator } from '../../src/emulator';
import { emulatorForFile } from './emulator-fixture';

const PROJECT = '0123456789abcdef0123456789abcdef';
const VOLUMES = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
let emulator: Emulator;
const clients = emulatorForFile<VbsClient>((em) => {
  emulator = em;
});
/** The transport the clients of the running `describe.each` use. */
let transport: VbsTransport = 'undici';

function client(credentials: Credentials = Credentials.token('emu-token'), o: Partial<VbsClientOptions> = {}): VbsClient {
  const c = new VbsClient({ endpoint: emulator.url, projectId: PROJECT, env: {}, credentials, random: () => 0, transport, ...o });
  clients.push(c);
  return c;
}

const schedule = { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N' as const, status: 'ON' as const };

async function policyWithVolumes(c: VbsClient): Promise<string> {
  const id = await c.createPolicy({ backup_policy_name: 'nightly', scheduled_policy: schedule });
  await c.associateVolumes(id, VOLUMES);
  return id;
}

describe.each(TRANSPORTS)('over the %s transport', (kind) => {
  beforeAll(() => {
    transport = kind;
  });

  test.each([
    ['token', () => Credentials.token('emu-token')],
    ['access key (signed)', () => Credentials.accessKey('EMUAK', 'EMU-SECRET-KEY')],
    ['password login', () => Credentials.password({ userName: 'alice', password: 'EMU-PASSWORD', domainName: 'acme' })],
  ])('policy lifecycle with %s credentials', async (_kind, creds) => {
    const c = client(creds());
    const id = await policyWithVolumes(c);
    expect((await c.getPolicy(id))?.policy_resource_count).toBe(2);
    expect((await c.findPolicyByName('nightly'))?.backup_policy_id).toBe(id);
    await c.updatePolicy(id, { scheduled_policy: { ...schedule, status: 'OFF' } });
    expect((await c.getPolicy(id))?.scheduled_policy.status).toBe('OFF');
    await c.setTags(id, { team: 'db', 'cdktf-vbs-backup': 'abc_def' });
    await c.setTags(id, { team: 'ops' });
    expect(await c.getTags(id)).toEqual({ team: 'ops' });
    await c.addTag(id, 'env', 'prod');
    await c.removeTag(id, 'team');
    expect(await c.getTags(id)).toEqual({ env: 'prod' });
    expect(await c.listTenantTags()).toEqual([{ key: 'env', values: ['prod'] }]);
    const found = await c.queryPoliciesByTags({ action: 'filter', tags: [{ key: 'env', values: ['prod'] }] });
    expect(found.resources?.map((r) => r.resource_id)).toEqual([id]);
    await c.disassociateVolumes(id, [VOLUMES[0]]);
    expect((await c.getPolicy(id))?.policy_resource_count).toBe(1);
    await c.deletePolicy(id);
    expect(await c.getPolicy(id)).toBeUndefined();
  });

  test('findPolicyByName: none is undefined; several is a VbsAmbiguousNameError naming each id', async () => {
    const c = client();
    expect(await c.findPolicyByName('nightly')).toBeUndefined();
    const a = await c.createPolicy({ backup_policy_name: 'nightly', scheduled_policy: schedule });
    const b = await c.createPolicy({ backup_policy_name: 'nightly', scheduled_policy: schedule });
    const e = await c.findPolicyByName('nightly').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VbsAmbiguousNameError);
    expect(e).toBeInstanceOf(VbsError);
    expect(e).toMatchObject({ operation: 'findPolicyByName', lookup: { kind: 'backup policy', by: 'name', value: 'nightly', projectId: PROJECT } });
    expect([...(e as VbsAmbiguousNameError).ids].sort()).toEqual([a, b].sort());
    expect((e as Error).message).toMatch(/^2 backup policies are named "nightly" \(.+\) in project \w+; refer to one by id$/);
  });

  test('execute then wait: one job per volume, all final', async () => {
    const c = client();
    const id = await policyWithVolumes(c);
    const run = await c.executePolicy(id);
    expect(run).toMatchObject({ attempts: 1, alreadyStarted: false });
    const jobs = await c.waitForJobs(id, { since: run.startedAt, pollIntervalMs: 50 });
    expect(jobs.map((j) => j.resourceId).sort()).toEqual(VOLUMES);
    expect(jobs.every((j) => j.status === 'EXECUTE_SUCCESS' && j.final)).toBe(true);
    expect(emulator.executeCount(id)).toBe(1);
  });

  test('response dropped after the emulator executed: no second execute', async () => {
    const c = client();
    const id = await policyWithVolumes(c);
    emulator.addFault({ operation: 'executePolicy', policyId: id, drop: 'after' });
    expect(await c.executePolicy(id)).toMatchObject({ attempts: 1, alreadyStarted: true });
    expect(emulator.requests({ operation: 'executePolicy', policyId: id })).toHaveLength(1);
    expect(emulator.executeCount(id)).toBe(1);
  });

  test('503 without effect right after a finished run: sent again, exactly one new run', async () => {
    // Same clock on both sides: no skew allowance, so the earlier run's jobs (older than t0) are no proof.
    const c = client(undefined, { skewAllowanceMs: 0 });
    const id = await policyWithVolumes(c);
    const first = await c.executePolicy(id);
    await c.waitForJobs(id, { since: first.startedAt, pollIntervalMs: 50 });
    emulator.addFault({ operation: 'executePolicy', policyId: id, status: 503 });
    const second = await c.executePolicy(id);
    expect(second).toMatchObject({ attempts: 2, alreadyStarted: false });
    expect(emulator.executeCount(id)).toBe(2);
  });

  test('a second execute while the first runs is AutoBackup.0225, not retried', async () => {
    const c = client();
    const id = await policyWithVolumes(c);
    await c.executePolicy(id);
    const err = await c.executePolicy(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VbsApiError);
    expect(err).toMatchObject({ status: 409, code: 'AutoBackup.0225' });
    expect(emulator.requests({ operation: 'executePolicy', policyId: id })).toHaveLength(2);
  });

  test('failed jobs are reported as final with their reason', async () => {
    const c = client();
    const id = await policyWithVolumes(c);
    emulator.addFault({ operation: 'executePolicy', policyId: id, jobStatus: 'EXECUTE_FAIL', failReason: 'disk busy' });
    const run = await c.executePolicy(id);
    const jobs = await c.waitForJobs(id, { since: run.startedAt, pollIntervalMs: 50 });
    expect(jobs.map((j) => [j.status, j.failReason])).toEqual([['EXECUTE_FAIL', 'disk busy'], ['EXECUTE_FAIL', 'disk busy']]);
  });

  test('a policy without volumes: execute, then waitForJobs resolves with []', async () => {
    const c = client();
    const id = await c.createPolicy({ backup_policy_name: 'empty', scheduled_policy: schedule });
    const run = await c.executePolicy(id);
    expect(await c.waitForJobs(id, { since: run.startedAt, pollIntervalMs: 20, graceMs: 100 })).toEqual([]);
  });

  test('throttling (429 APIGW.0308) is retried until it passes', async () => {
    const c = client(undefined, { retry: { baseDelayMs: 200, maxAttempts: 8 }, random: () => 1 });
    emulator.setThrottle(2);
    const results = await Promise.all([1, 2, 3, 4].map(() => c.listPolicies()));
    expect(results).toHaveLength(4);
    expect(emulator.requests({ operation: 'listPolicies' }).some((r) => r.status === 429)).toBe(true);
  });

  test('wrong credentials: gateway errors, never the secret', async () => {
    const err = (await client(Credentials.accessKey('EMUAK', 'WRONG-SECRET-CANARY')).listPolicies().catch((e: unknown) => e)) as VbsApiError;
    expect(err).toBeInstanceOf(VbsApiError);
    expect(err.status).toBe(401);
    expect(err.code).toMatch(/^APIGW\./);
    expect(`${err.message}${err.stack}`).not.toContain('WRONG-SECRET-CANARY');
    const bad = (await client(Credentials.password({ userName: 'alice', password: 'WRONG-PW-CANARY', domainName: 'acme' })).listPolicies().catch((e: unknown) => e)) as VbsApiError;
    expect(bad.operation).toBe('createToken');
    expect(`${bad.message}${bad.stack}`).not.toContain('WRONG-PW-CANARY');
  });
});
