/**
 * Real Terraform, offline: a managed policy's volumes reconcile exactly (ADR 7). Each volume is
 * one instance of the policy's `Volumes` resource; removing one from the list destroys exactly
 * that instance, whose destroy-time hook detaches exactly that volume.
 */
import { Construct } from 'constructs';
import { BackupPolicy, RemovalPolicy, Retention, Schedule } from '../../src';
import { Emulator } from '../../src/emulator';
import { VOLUMES, apiEnv, ok, policiesNamed, policyNamed, startE2eEmulator, withStack } from './harness';

jest.setTimeout(180_000);

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startE2eEmulator();
});

afterAll(() => emulator?.stop());

const build = (name: string, volumes: readonly string[], removalPolicy = RemovalPolicy.DESTROY) => (stack: Construct): void => {
  const policy = new BackupPolicy(stack, 'Policy', {
    policyName: name,
    schedule: Schedule.daily(['02:00']),
    retention: Retention.count(7),
    volumeIds: [...volumes],
    removalPolicy,
  });
  policy.addTrigger('Trigger');
};

/** Operations the emulator saw from `seq` on. */
function operationsSince(seq: number): string[] {
  return emulator.requests().filter((r) => r.seq > seq).map((r) => r.operation);
}

function lastSeq(): number {
  const all = emulator.requests();
  return all.length > 0 ? all[all.length - 1].seq : 0;
}

function count(ops: string[], operation: string): number {
  return ops.filter((o) => o === operation).length;
}

test('removing the middle of 3 volumes detaches exactly that one; destroy detaches the rest, then deletes the policy', async () => {
  await withStack('policy-volumes', apiEnv(emulator), build('e2e-volumes', VOLUMES), async (sut) => {
    ok(await sut.apply(), 'first apply');
    const policy = policyNamed(emulator, 'e2e-volumes');
    const id = policy.backup_policy_id;
    expect([...policy.volume_ids].sort()).toEqual([...VOLUMES].sort());
    expect(emulator.executeCount(id)).toBe(1);
    const instances = (await sut.resources()).filter((r) => r.name.includes('Policy_Volumes'));
    expect(instances).toHaveLength(3);
    const idsBefore = new Map((await sut.resources()).map((r) => [r.address, r.values.id]));

    // when the middle volume leaves the list
    sut.resynth(build('e2e-volumes', [VOLUMES[0], VOLUMES[2]]));
    const seq = lastSeq();
    const removed = ok(await sut.apply(), 'apply without the middle volume');

    // then exactly that instance is destroyed, and exactly that volume detached
    expect(removed.output).toContain('0 added, 0 changed, 1 destroyed');
    const ops = operationsSince(seq);
    expect(count(ops, 'disassociateVolumes')).toBe(1);
    expect(count(ops, 'associateVolumes')).toBe(0);
    expect(count(ops, 'executePolicy')).toBe(0);
    expect(count(ops, 'createPolicy') + count(ops, 'updatePolicy') + count(ops, 'deletePolicy')).toBe(0);
    const after = policyNamed(emulator, 'e2e-volumes');
    expect(after.backup_policy_id).toBe(id);
    expect([...after.volume_ids].sort()).toEqual([VOLUMES[0], VOLUMES[2]]);
    const idsAfter = new Map((await sut.resources()).map((r) => [r.address, r.values.id]));
    expect(idsAfter.size).toBe(idsBefore.size - 1);
    for (const [address, resourceId] of idsAfter) expect(idsBefore.get(address)).toBe(resourceId);
    expect([...idsBefore.keys()].filter((a) => !idsAfter.has(a))).toEqual([
      expect.stringContaining(`["${VOLUMES[1]}"]`),
    ]);
    expect((await sut.plan()).code).toBe(0);

    // destroy: the volumes are detached, then the policy deleted
    const destroySeq = lastSeq();
    ok(await sut.destroy(), 'destroy');
    const destroyed = emulator.requests().filter((r) => r.seq > destroySeq);
    const detaches = destroyed.filter((r) => r.operation === 'disassociateVolumes');
    const deletes = destroyed.filter((r) => r.operation === 'deletePolicy');
    expect(detaches.map((r) => r.status)).toEqual([200, 200]);
    expect(deletes.map((r) => r.status)).toEqual([204]);
    expect(Math.max(...detaches.map((r) => r.seq))).toBeLessThan(deletes[0].seq);
    expect(policiesNamed(emulator, 'e2e-volumes')).toHaveLength(0);
    expect(await sut.resources()).toEqual([]);
  });
});

test('RETAIN: destroy keeps the policy and its volumes', async () => {
  const volumes = [VOLUMES[0], VOLUMES[1]];
  await withStack('policy-volumes-retain', apiEnv(emulator), build('e2e-volumes-kept', volumes, RemovalPolicy.RETAIN), async (sut) => {
    ok(await sut.apply(), 'apply');
    const id = policyNamed(emulator, 'e2e-volumes-kept').backup_policy_id;
    const seq = lastSeq();
    const destroy = ok(await sut.destroy(), 'destroy');
    expect(destroy.output).toContain('(removal policy retain)');
    const ops = operationsSince(seq);
    expect(count(ops, 'disassociateVolumes')).toBe(0);
    expect(count(ops, 'deletePolicy')).toBe(0);
    const kept = policyNamed(emulator, 'e2e-volumes-kept');
    expect(kept.backup_policy_id).toBe(id);
    expect([...kept.volume_ids].sort()).toEqual([...volumes].sort());
  });
});
