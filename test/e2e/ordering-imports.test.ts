/**
 * Real Terraform, offline: when a trigger runs relative to other resources (executeAfter,
 * executeBefore, on apply and on destroy), and triggers on existing policies
 * (BackupPolicy.fromPolicyId, BackupPolicy.fromPolicyName).
 *
 * Order is read from the emulator's request log: marker resources make one recognisable API
 * call each (the job list of a made-up policy id) from their own local-exec, so their place
 * among the trigger's executes is the server's sequence number, not a clock.
 */
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Retention, Schedule } from '../../src';
import { VbsClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import { VOLUMES, apiClient, apiEnv, emulatorAndClientForFile, failed, ok, policiesNamed, policyNamed, withStack } from './harness';

jest.setTimeout(120_000);

let emulator: Emulator;
let client: VbsClient;

emulatorAndClientForFile({}, apiClient, (em, c) => {
  emulator = em;
  client = c;
});

/**
 * Calls GET .../backuppolicy/<argv[1]>/backuptasks with the apply environment's endpoint,
 * project and token. No `${` or `%{` anywhere: Terraform would read them as templates.
 */
const MARKER_SCRIPT = [
  'const id = process.argv[1];',
  "const url = process.env.VBS_ENDPOINT + '/v2/' + process.env.HW_PROJECT_ID + '/backuppolicy/' + id + '/backuptasks';",
  "fetch(url, { headers: { 'X-Auth-Token': process.env.HW_AUTH_TOKEN } })",
  "  .then((r) => console.log('marker ' + id + ' answered ' + r.status))",
  '  .catch((e) => { console.error(e.message); process.exitCode = 1; });',
].join('\n');

/** A resource whose create (and, with `onDestroy`, destroy) makes the marker call for `id`. */
function marker(scope: Construct, name: string, id: string, onDestroy?: string): DataResource {
  return new DataResource(scope, name, {
    input: { marker: id },
    provisioners: [
      { type: 'local-exec', interpreter: ['node', '-e', MARKER_SCRIPT], command: id },
      ...(onDestroy ? [{ type: 'local-exec' as const, when: 'destroy' as const, interpreter: ['node', '-e', MARKER_SCRIPT], command: onDestroy }] : []),
    ],
  });
}

/** Sequence number of the one marker call for `id`. */
function markerSeq(id: string): number {
  const found = emulator.requests({ operation: 'listJobs', policyId: id });
  if (found.length !== 1) throw new Error(`expected one marker call for ${id}, got ${found.length}`);
  return found[0].seq;
}

/** Sequence numbers of the executes answered 204 on `policyId`. */
function executeSeqs(policyId: string): number[] {
  return emulator.requests({ operation: 'executePolicy', policyId }).filter((r) => r.status === 204).map((r) => r.seq);
}

const M = {
  migrationCreate: 'aaaaaaaa-0000-4000-8000-000000000001',
  migrationDestroy: 'aaaaaaaa-0000-4000-8000-000000000002',
  switchCreate: 'aaaaaaaa-0000-4000-8000-000000000003',
  switchDestroy: 'aaaaaaaa-0000-4000-8000-000000000004',
};

test('executeAfter and executeBefore order the run on apply, and the run-before-destroy on destroy', async () => {
  const build = (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName: 'e2e-ordering',
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: [VOLUMES[0]],
    });
    const migration = marker(stack, 'Migration', M.migrationCreate, M.migrationDestroy);
    const trafficSwitch = marker(stack, 'TrafficSwitch', M.switchCreate, M.switchDestroy);
    const trigger = new BackupPolicyTrigger(stack, 'Trigger', { policy, executeAfter: [migration], backupBeforeDestroy: true });
    trigger.executeBefore(trafficSwitch);
  };
  await withStack('ordering', apiEnv(emulator), build, async (sut) => {
    const apply = ok(await sut.apply(), 'apply');
    expect(apply.output).toContain(`marker ${M.migrationCreate} answered 404`);
    const id = policyNamed(emulator, 'e2e-ordering').backup_policy_id;
    const [run] = executeSeqs(id);
    expect(executeSeqs(id)).toHaveLength(1);
    // migration -> backup run -> traffic switch
    expect(markerSeq(M.migrationCreate)).toBeLessThan(run);
    expect(run).toBeLessThan(markerSeq(M.switchCreate));

    ok(await sut.destroy(), 'destroy');
    const executes = executeSeqs(id);
    expect(executes).toHaveLength(2);
    // reversed on destroy: traffic switch gone -> backup before destroy -> migration gone
    expect(markerSeq(M.switchDestroy)).toBeLessThan(executes[1]);
    expect(executes[1]).toBeLessThan(markerSeq(M.migrationDestroy));
    expect(policiesNamed(emulator, 'e2e-ordering')).toHaveLength(0);
  });
});

test('triggers on existing policies: fromPolicyId and fromPolicyName each run their policy once and never delete it', async () => {
  const byId = await client.createPolicy({
    backup_policy_name: 'e2e-existing-by-id',
    scheduled_policy: { start_time: '01:00', frequency: 1, rentention_num: 5, remain_first_backup_of_curMonth: 'N', status: 'ON' },
  });
  const byName = await client.createPolicy({
    backup_policy_name: 'e2e-existing-by-name',
    scheduled_policy: { start_time: '01:00', frequency: 1, rentention_num: 5, remain_first_backup_of_curMonth: 'N', status: 'ON' },
  });
  const build = (stack: Construct): void => {
    const idPolicy = BackupPolicy.fromPolicyId(stack, 'ById', byId);
    new BackupPolicyTrigger(stack, 'RunById', { policy: idPolicy });
    BackupPolicy.fromPolicyName(stack, 'ByName', 'e2e-existing-by-name').addTrigger('RunByName');
  };
  await withStack('imported', apiEnv(emulator), build, async (sut) => {
    ok(await sut.apply(), 'apply');
    expect(emulator.executeCount(byId)).toBe(1);
    expect(emulator.executeCount(byName)).toBe(1);

    ok(await sut.apply(), 're-apply');
    ok(await sut.destroy(), 'destroy');
    expect(emulator.executeCount(byId)).toBe(1);
    expect(emulator.executeCount(byName)).toBe(1);
    expect(policyNamed(emulator, 'e2e-existing-by-id').backup_policy_id).toBe(byId);
    expect(policyNamed(emulator, 'e2e-existing-by-name').backup_policy_id).toBe(byName);
    for (const id of [byId, byName]) {
      expect(emulator.requests({ operation: 'deletePolicy', policyId: id })).toHaveLength(0);
      expect(emulator.requests({ operation: 'updatePolicy', policyId: id })).toHaveLength(0);
    }
  });
});

test('fromPolicyName of a policy that does not exist yet fails the apply naming it; once created, the next apply runs it once', async () => {
  const build = (stack: Construct): void => {
    BackupPolicy.fromPolicyName(stack, 'Later', 'e2e-created-later').addTrigger('Run');
  };
  await withStack('imported-later', apiEnv(emulator), build, async (sut) => {
    const executesBefore = emulator.executeCount();
    const first = failed(await sut.apply(), 'apply before the policy exists');
    expect(first.output).toContain('e2e-created-later');
    expect(emulator.executeCount()).toBe(executesBefore);

    const id = await client.createPolicy({
      backup_policy_name: 'e2e-created-later',
      scheduled_policy: { start_time: '06:00', frequency: 2, rentention_num: 3, remain_first_backup_of_curMonth: 'N', status: 'OFF' },
    });
    ok(await sut.apply(), 'apply once the policy exists');
    expect(emulator.executeCount(id)).toBe(1);
    ok(await sut.apply(), 're-apply');
    expect(emulator.executeCount(id)).toBe(1);
  });
});
