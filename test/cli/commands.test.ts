import { randomUUID } from 'node:crypto';
import { Emulator } from '../../src/emulator';
import { VbsClient } from '../../src/client';
import { PROJECT_ID, emulatorEnv, runCli, startEmulatorFixture, stopEmulatorFixture } from './support';

let emulator: Emulator;
let client: VbsClient;
const volumes = [randomUUID(), randomUUID()];

const SCHEDULE = { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N' as const, status: 'ON' as const };

async function makePolicy(name: string, vols: string[] = volumes): Promise<string> {
  const id = await client.createPolicy({ backup_policy_name: name, scheduled_policy: SCHEDULE });
  if (vols.length > 0) await client.associateVolumes(id, vols);
  return id;
}

beforeAll(async () => ({ emulator, client } = await startEmulatorFixture()));
afterAll(() => stopEmulatorFixture({ emulator, client }));
beforeEach(() => emulator.reset());

describe('vbs-backup policies', () => {
  test('prints a table of the project\'s policies', async () => {
    const id = await makePolicy('nightly-db');
    const r = await runCli(['policies'], emulatorEnv(emulator.url));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+SCHEDULE\s+RETENTION\s+VOLUMES$/);
    const row = lines.find((l) => l.startsWith(id));
    expect(row).toMatch(/nightly-db\s+ON\s+daily at 02:00 UTC\s+keep 7\s+2$/);
    expect(r.stderr).toMatch(/backup polic(y|ies) in project e9993fc787d94b6c886cbaa340f9c0f4/);
  });

  test('--json prints one document: projectId and the wire policies', async () => {
    const id = await makePolicy('nightly-db');
    const r = await runCli(['policies', '--json'], emulatorEnv(emulator.url));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.projectId).toBe(PROJECT_ID);
    expect(doc.policies).toEqual(expect.arrayContaining([
      expect.objectContaining({ backup_policy_id: id, backup_policy_name: 'nightly-db', policy_resource_count: 2 }),
    ]));
  });

  test('--endpoint and --project-id on the command line win over the environment', async () => {
    const r = await runCli(['policies', '--json', '--endpoint', emulator.url, '--project-id', 'a'.repeat(32)],
      emulatorEnv('http://127.0.0.1:9'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).projectId).toBe('a'.repeat(32));
  });
});

describe('vbs-backup execute', () => {
  test('by name: starts a run, progress on stderr, id on stdout', async () => {
    const id = await makePolicy('nightly-db');
    const r = await runCli(['execute', '--policy-name', 'nightly-db'], emulatorEnv(emulator.url));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`started a backup run of policy nightly-db (id ${id}) in project ${PROJECT_ID}: 2 volumes`);
    expect(r.stdout).toMatch(new RegExp(`^${id} started \\d{4}-\\d{2}-\\d{2}T.*Z\\n$`));
    expect(emulator.executeCount(id)).toBe(1);
  });

  test('by id with --wait --json: one document with the final jobs', async () => {
    const id = await makePolicy('nightly-db');
    const r = await runCli(['execute', '--policy-id', id, '--wait', '--json'], emulatorEnv(emulator.url));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ policyId: id, policyName: 'nightly-db', projectId: PROJECT_ID, volumes: 2, alreadyStarted: false, succeeded: true });
    expect(typeof doc.attempts).toBe('number');
    expect(new Date(doc.startedAt).toISOString()).toBe(doc.startedAt);
    expect(doc.jobs).toHaveLength(2);
    expect(doc.jobs.map((j: { resourceId: string }) => j.resourceId).sort()).toEqual([...volumes].sort());
    for (const job of doc.jobs) expect(job).toMatchObject({ status: 'EXECUTE_SUCCESS', final: true, backupName: expect.stringMatching(/^autobk_/) });
    expect(r.stderr).toContain('all 2 jobs of the run finished');
  });

  test('--wait fails with exit 1 naming each failed volume and its reason', async () => {
    const id = await makePolicy('nightly-db');
    emulator.addFault({ operation: 'executePolicy', policyId: id, jobStatus: 'EXECUTE_FAIL', failReason: 'snapshot quota exceeded' });
    const r = await runCli(['execute', '--policy-id', id, '--wait'], emulatorEnv(emulator.url));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^JOB ID\s+VOLUME\s+STATUS/);
    for (const v of volumes) expect(r.stderr).toContain(`volume ${v} EXECUTE_FAIL (snapshot quota exceeded)`);
    expect(r.stderr).toMatch(/^error: backup run of policy nightly-db .* failed: 2 jobs of 2 did not succeed/m);
  });

  test('an unknown policy id is a clear failure (exit 1)', async () => {
    const missing = randomUUID();
    const r = await runCli(['execute', '--policy-id', missing], emulatorEnv(emulator.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: no backup policy with id ${missing} in project ${PROJECT_ID}`);
  });

  test('an API error names operation, HTTP status, code and message', async () => {
    const id = await makePolicy('nightly-db');
    emulator.addFault({ operation: 'executePolicy', policyId: id, status: 409, body: { error: { code: 'AutoBackup.0225', message: 'The policy is being executed.' } } });
    const r = await runCli(['execute', '--policy-id', id, '--when-busy', 'fail'], emulatorEnv(emulator.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: executePolicy failed: HTTP 409 AutoBackup\.0225: The policy is being executed\./m);
    expect(r.stdout).toBe('');
  });

  test('--timeout bounds the whole command', async () => {
    const id = await makePolicy('nightly-db');
    emulator.addFault({ operation: 'executePolicy', policyId: id, delayMs: 5000 });
    const started = Date.now();
    const r = await runCli(['execute', '--policy-id', id, '--timeout', '1'], emulatorEnv(emulator.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: timed out after 1 s \(--timeout\)/m);
    expect(Date.now() - started).toBeLessThan(4500);
  });
});

describe('vbs-backup jobs', () => {
  test('lists the jobs of a policy, --json with jobs in the execute shape', async () => {
    const id = await makePolicy('nightly-db');
    await client.executePolicy(id);
    const r = await runCli(['jobs', '--policy-name', 'nightly-db', '--json'], emulatorEnv(emulator.url));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ policyId: id, policyName: 'nightly-db', projectId: PROJECT_ID });
    expect(doc.jobs).toHaveLength(2);
    expect(Object.keys(doc.jobs[0]).sort()).toEqual(expect.arrayContaining(['backupName', 'createdAt', 'final', 'jobId', 'resourceId', 'status']));
    const table = await runCli(['jobs', '--policy-id', id], emulatorEnv(emulator.url));
    expect(table.code).toBe(0);
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
  });

  test('--since filters by creation time', async () => {
    const id = await makePolicy('nightly-db');
    await client.executePolicy(id);
    const future = new Date(Date.now() + 3600_000).toISOString();
    const r = await runCli(['jobs', '--policy-id', id, '--since', future, '--json'], emulatorEnv(emulator.url));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ since: future, jobs: [] });
    const past = await runCli(['jobs', '--policy-id', id, '--since', '2020-01-01', '--json'], emulatorEnv(emulator.url));
    expect(JSON.parse(past.stdout).jobs).toHaveLength(2);
  });
});

describe('credentials never appear in the output', () => {
  test('a rejected token: exit 1 with the gateway error, token not printed', async () => {
    const canary = 'canary-token-Zx81-do-not-print';
    const r = await runCli(['policies'], emulatorEnv(emulator.url, { HW_AUTH_TOKEN: canary }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/listPolicies failed: HTTP 401 APIGW\.03\d\d/);
    expect(r.stdout + r.stderr).not.toContain(canary);
  });

  test('a rejected access key signature: secret key not printed', async () => {
    const secret = 'canarySecretKey0123456789abcdefABCDEF';
    const r = await runCli(['execute', '--policy-name', 'x', '--wait'], emulatorEnv(emulator.url, {
      HW_AUTH_TOKEN: undefined, HW_ACCESS_KEY: 'CANARYACCESSKEY0001', HW_SECRET_KEY: secret,
    }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 401 APIGW\.\d{4}/);
    expect(r.stdout + r.stderr).not.toContain(secret);
  });
});
