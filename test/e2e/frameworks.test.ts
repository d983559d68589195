/**
 * Real Terraform, offline: one lifecycle of every hook kind, run once per framework (cdktf,
 * cdktn) and output (JSON, HCL as `cdktf synth --hcl` writes it). Each stack validates, then:
 * create (policy, its volumes, a trigger run), a no-op re-apply, a re-run on change (volumes
 * swapped, tags changed, new release), a failed run retried by the next apply, and a destroy
 * (backup before destroy, volumes detached, policy deleted). Execute counts are exact, from the
 * emulator's log; and every flavour makes the same API calls, step by step, as cdktf's JSON.
 */
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Rerun, Retention, Schedule } from '../../src';
import type { Emulator } from '../../src/emulator';
import { MARKER_TAG_KEY } from '../../src/contract/hook';
import {
  FLAVOURS, PROJECT_ID, StackUnderTest, VOLUMES, apiEnv, failed, flavourName, ok, policiesNamed, policyNamed, startE2eEmulator,
  withStack,
} from './harness';

jest.setTimeout(240_000);

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startE2eEmulator();
});

afterEach(() => emulator.clearFaults());

afterAll(() => emulator?.stop());

interface Release {
  readonly release: string;
  readonly volumes: readonly string[];
  readonly tags: Record<string, string>;
}

/** A managed policy with volumes and tags, and a trigger that re-runs per release and backs up before destroy. */
const build = (policyName: string, r: Release) => (stack: Construct): void => {
  const policy = new BackupPolicy(stack, 'Policy', {
    policyName,
    schedule: Schedule.daily(['02:00']),
    retention: Retention.count(7),
    volumeIds: [...r.volumes],
    tags: r.tags,
  });
  new BackupPolicyTrigger(stack, 'Trigger', {
    policy,
    rerun: Rerun.onChange({ release: r.release }),
    backupBeforeDestroy: true,
    waitForCompletion: true,
    timeoutSeconds: 60,
  });
};

const RELEASE_1: Release = { release: '1', volumes: [VOLUMES[0], VOLUMES[1]], tags: { team: 'db' } };
const RELEASE_2: Release = { release: '2', volumes: [VOLUMES[1], VOLUMES[2]], tags: { team: 'ops', tier: 'gold' } };
const RELEASE_3: Release = { ...RELEASE_2, release: '3' };

/** `operation status` → how many, for the requests after `seq` (hooks run in parallel: counts, not order). */
type Calls = Record<string, number>;

function lastSeq(): number {
  const all = emulator.requests();
  return all.length > 0 ? all[all.length - 1].seq : 0;
}

function callsSince(seq: number): Calls {
  const calls: Calls = {};
  for (const r of emulator.requests().filter((q) => q.seq > seq)) {
    const key = `${r.operation} ${r.status}`;
    calls[key] = (calls[key] ?? 0) + 1;
  }
  return calls;
}

function userTags(policyName: string): Record<string, string> {
  const tags = policyNamed(emulator, policyName).tags.filter((t) => t.key !== MARKER_TAG_KEY);
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

/** What each step of a flavour's lifecycle made the API do, for the comparison across flavours. */
const traces = new Map<string, Record<string, Calls>>();

async function runStep(trace: Record<string, Calls>, step: string, action: () => Promise<void>): Promise<void> {
  const seq = lastSeq();
  await action();
  trace[step] = callsSince(seq);
}

describe.each(FLAVOURS)('$framework, $output output', (flavour) => {
  const label = flavourName(flavour);
  const policyName = `e2e-${label}`;

  test('validates; create, no-op re-apply, re-run on change, failure then retry, destroy: every hook kind, exact execute counts', async () => {
    const trace: Record<string, Calls> = {};
    traces.set(label, trace);
    await withStack(`fw-${label}`, apiEnv(emulator), build(policyName, RELEASE_1), async (sut: StackUnderTest) => {
      // the synthesized configuration is of the flavour's output and valid
      expect(sut.synthesized()).toMatch(flavour.output === 'hcl' ? /^resource "terraform_data" "/m : /^\{/);
      ok(await sut.validate(), `terraform validate of the ${label} stack`);

      // create: the policy with its two volumes and tags, and one run
      await runStep(trace, 'create', async () => {
        ok(await sut.apply(), 'first apply');
      });
      const created = policyNamed(emulator, policyName);
      const id = created.backup_policy_id;
      expect([...created.volume_ids].sort()).toEqual([VOLUMES[0], VOLUMES[1]]);
      expect(userTags(policyName)).toEqual({ team: 'db' });
      expect(emulator.executeCount(id)).toBe(1);
      expect(trace.create).toMatchObject({ 'createPolicy 200': 1, 'associateVolumes 200': 2, 'executePolicy 204': 1 });

      // no-op: plan sees nothing, a re-apply runs nothing and calls nothing
      expect((await sut.plan()).code).toBe(0);
      await runStep(trace, 'reapply', async () => {
        expect(ok(await sut.apply(), 'unchanged re-apply').output).toContain('0 added, 0 changed, 0 destroyed');
      });
      expect(trace.reapply).toEqual({});
      expect(emulator.executeCount(id)).toBe(1);

      // change: one volume swapped, tags changed, a new release → same policy, one more run
      sut.resynth(build(policyName, RELEASE_2));
      await runStep(trace, 'change', async () => {
        ok(await sut.apply(), 'apply of release 2');
      });
      const changed = policyNamed(emulator, policyName);
      expect(changed.backup_policy_id).toBe(id);
      expect([...changed.volume_ids].sort()).toEqual([VOLUMES[1], VOLUMES[2]]);
      expect(userTags(policyName)).toEqual({ team: 'ops', tier: 'gold' });
      expect(emulator.executeCount(id)).toBe(2);
      expect(trace.change).toMatchObject({ 'associateVolumes 200': 1, 'disassociateVolumes 200': 1, 'executePolicy 204': 1 });
      expect(trace.change['createPolicy 200']).toBeUndefined();
      expect(trace.change['deletePolicy 204']).toBeUndefined();

      // failure: the next release's run is refused once → the apply fails, the run stays tainted
      sut.resynth(build(policyName, RELEASE_3));
      emulator.addFault({ operation: 'executePolicy', policyId: id, status: 404, body: { error: { code: 'AutoBackup.0205', message: 'The backup policy does not exist.' } } });
      await runStep(trace, 'failure', async () => {
        expect(failed(await sut.apply(), 'apply of release 3 with a refused execute').output).toMatch(/AutoBackup\.0205/);
      });
      expect(emulator.executeCount(id)).toBe(2);
      expect((await sut.resource('_Run_')).tainted).toBe(true);

      // retry: the next apply runs it exactly once, and then nothing is left to do
      await runStep(trace, 'retry', async () => {
        ok(await sut.apply(), 'apply after the refusal');
      });
      expect(emulator.executeCount(id)).toBe(3);
      expect(writes(trace.retry)).toEqual({ 'executePolicy 204': 1 });
      expect((await sut.plan()).code).toBe(0);

      // destroy: a backup before destroy, the volumes detached, then the policy deleted
      await runStep(trace, 'destroy', async () => {
        expect(ok(await sut.destroy(), 'destroy').output).toContain('before destroy');
      });
      expect(emulator.executeCount(id)).toBe(4);
      expect(trace.destroy).toMatchObject({ 'executePolicy 204': 1, 'disassociateVolumes 200': 2, 'deletePolicy 204': 1 });
      const requests = emulator.requests({ policyId: id });
      const lastExecute = requests.filter((r) => r.operation === 'executePolicy' && r.status === 204).pop();
      const deletes = requests.filter((r) => r.operation === 'deletePolicy');
      const lastDetach = requests.filter((r) => r.operation === 'disassociateVolumes').pop();
      expect(deletes).toHaveLength(1);
      expect(lastExecute!.seq).toBeLessThan(deletes[0].seq);
      expect(lastDetach!.seq).toBeLessThan(deletes[0].seq);
      expect(policiesNamed(emulator, policyName)).toEqual([]);
      expect(await sut.resources()).toEqual([]);
    }, flavour);
  });
});

/** The calls among `calls` that change something in the cloud (the rest are lookups). */
function writes(calls: Calls): Calls {
  const changing = ['createPolicy', 'updatePolicy', 'deletePolicy', 'associateVolumes', 'disassociateVolumes', 'executePolicy', 'addTag', 'removeTag', 'batchTags'];
  return Object.fromEntries(Object.entries(calls).filter(([key]) => changing.includes(key.split(' ')[0])));
}

test('every framework and output makes the same API calls as cdktf JSON, step by step', () => {
  const reference = traces.get('cdktf-json');
  expect(reference).toBeDefined();
  expect([...traces.keys()].sort()).toEqual(FLAVOURS.map((f) => flavourName(f)).sort());
  const withoutPolls = (trace: Record<string, Calls>) => Object.fromEntries(Object.entries(trace).map(([step, calls]) => [
    step, Object.fromEntries(Object.entries(calls).filter(([key]) => !key.startsWith('listJobs '))),
  ]));
  for (const [label, trace] of traces) {
    expect({ label, trace: withoutPolls(trace) }).toEqual({ label, trace: withoutPolls(reference!) });
  }
  // and the shared project holds none of their policies any more
  expect(emulator.policies(PROJECT_ID).filter((p) => p.backup_policy_name.startsWith('e2e-cdkt'))).toEqual([]);
});
