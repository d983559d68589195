/**
 * VBS policies seeded at start (`startEmulator({ policies })`, `vbs-backup emulator --policy`),
 * as vaults are (test/emulator/cbr-state.test.ts): made once per project, again after reset,
 * skipped (not an error) when the state file already holds the name or a volume elsewhere.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emulator, EmulatorOptions, startEmulator } from '../../src/emulator';
import { OTHER_PROJECT, PROJECT, call } from './helpers';

const running: Emulator[] = [];
const start = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const em = await startEmulator({ jobSeconds: 0, ...options });
  running.push(em);
  return em;
};
afterEach(async () => {
  await Promise.all(running.splice(0).map((em) => em.stop()));
});

/** [name, volumes, status] of each policy the API lists, the default one left out. */
async function listed(em: Emulator, project = PROJECT): Promise<[string, number, string][]> {
  const body = (await call(em, 'GET', `/v2/${project}/backuppolicy`)).json as { backup_policies: { backup_policy_name: string; policy_resource_count: number; scheduled_policy: { status: string } }[] };
  return body.backup_policies.filter((p) => p.backup_policy_name !== 'default_policy')
    .map((p) => [p.backup_policy_name, p.policy_resource_count, p.scheduled_policy.status]);
}

test('a seed without a project is in every project on first use, enabled, with its volumes; it runs as any policy; reset makes it again', async () => {
  const volumes = [randomUUID(), randomUUID()];
  const em = await start({ policies: [{ name: 'nightly-db', volumeIds: volumes }] });
  for (const project of [PROJECT, OTHER_PROJECT]) expect(await listed(em, project)).toEqual([['nightly-db', 2, 'ON']]);
  const policy = em.policies(PROJECT).find((p) => p.backup_policy_name === 'nightly-db')!;
  expect(policy.volume_ids).toEqual(volumes);
  expect((await call(em, 'POST', `/v2/${PROJECT}/backuppolicy/${policy.backup_policy_id}/action`, { body: {} })).status).toBe(204);
  expect(em.executeCount(policy.backup_policy_id)).toBe(1);
  await call(em, 'DELETE', `/v2/${PROJECT}/backuppolicy/${policy.backup_policy_id}`);
  expect(await listed(em)).toEqual([]);
  em.reset();
  expect(await listed(em)).toEqual([['nightly-db', 2, 'ON']]);
  expect(em.policies(PROJECT).find((p) => p.backup_policy_name === 'nightly-db')!.backup_policy_id).not.toBe(policy.backup_policy_id);
});

test('a seed with a project is made in that project only, at start', async () => {
  const em = await start({ policies: [{ name: 'web', volumeIds: ['vol-1'], projectId: PROJECT }] });
  expect(em.policies(PROJECT).map((p) => p.backup_policy_name)).toEqual(['default_policy', 'web']);
  expect(await listed(em, OTHER_PROJECT)).toEqual([]);
});

test('a restart with the same seed and state file does not make it twice; a seed whose volume the state holds elsewhere is skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-seeds-'));
  try {
    const file = join(dir, 'state.json');
    const seed = { name: 'nightly-db', volumeIds: ['vol-a'], projectId: PROJECT };
    const first = await start({ stateFile: file, policies: [seed] });
    const id = first.policies(PROJECT).find((p) => p.backup_policy_name === 'nightly-db')!.backup_policy_id;
    await first.stop();
    const second = await start({ stateFile: file, policies: [seed] });
    expect(second.policies(PROJECT).map((p) => [p.backup_policy_name, p.backup_policy_id === id])).toEqual([['default_policy', false], ['nightly-db', true]]);
    await second.stop();
    // The state holds vol-a in nightly-db: a seed of another name with vol-a is not made.
    const third = await start({ stateFile: file, policies: [{ name: 'other', volumeIds: ['vol-a'], projectId: PROJECT }] });
    expect(third.policies(PROJECT).map((p) => p.backup_policy_name)).toEqual(['default_policy', 'nightly-db']);
  } finally {
    await Promise.all(running.splice(0).map((em) => em.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad seeds are refused at start, naming the option and the rule', async () => {
  await expect(startEmulator({ policies: [{ name: 'default-x', volumeIds: ['v'] }] })).rejects.toThrow(/policies\[0\]\.name must be 1-64 of A-Z a-z 0-9 _ -, not starting with "default"/);
  await expect(startEmulator({ policies: [{ name: 'a b', volumeIds: ['v'] }] })).rejects.toThrow(/policies\[0\]\.name/);
  await expect(startEmulator({ policies: [{ name: 'a', volumeIds: [] }] })).rejects.toThrow(/policies\[0\]\.volumeIds must list 1-200 volume ids/);
  await expect(startEmulator({ policies: [{ name: 'a', volumeIds: ['v/1'] }] })).rejects.toThrow(/volume id "v\/1" is not 1-64/);
  await expect(startEmulator({ policies: [{ name: 'a', volumeIds: ['v'] }, { name: 'b', volumeIds: ['v'] }] })).rejects.toThrow(/policies\[1\]: volume v is already in seeded policy "a"/);
  await expect(startEmulator({ policies: [{ name: 'a', volumeIds: ['v'], projectId: 'p1' }] })).rejects.toThrow(/projectId must be 32 hex digits/);
});
