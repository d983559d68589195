/**
 * HookRuntime (src/core/hook-runtime.ts): chosen like the hook resource (a prop, else the context
 * key, else NODE), and what it writes: `node <executor>`, or `sh <launcher> <executor>` with the
 * launcher a second file asset that only stacks with a portable hook carry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackupPolicy, BackupPolicyTrigger, BackupVault, BackupErrors, HookRuntime, Retention, Schedule } from '../../src';
import { HOOK_LAUNCHER_ASSET_ID, HOOK_LAUNCHER_FILE } from '../../src/core/executor';
import { HOOK_RUNTIME_CONTEXT_KEY, resolveHookRuntime } from '../../src/core/hook-runtime';
import { FRAMEWORK_NAMES, localExecs, resourcesOf, synthHcl, synthJson, under, VOLUME_A } from './synth';

const ROOT = path.resolve(__dirname, '..', '..');
const EXECUTOR = /^\$\{path\.module\}\/assets\/VbsBackupHookExecutor\/[0-9A-F]+\/vbs-backup-hook\.js$/;
const LAUNCHER = /^\$\{path\.module\}\/assets\/VbsBackupHookLauncher\/[0-9A-F]+\/vbs-backup-hook\.sh$/;

/** A managed policy with a volume, a trigger of it with a run before destroy, and a vault trigger. */
function everyHook(stack: import('constructs').Construct, props: { policy?: HookRuntime; trigger?: HookRuntime; vault?: HookRuntime } = {}): void {
  const policy = new BackupPolicy(stack, 'Policy', {
    policyName: 'nightly', schedule: Schedule.daily(['02:00']), retention: Retention.count(7), volumeIds: [VOLUME_A],
    ...(props.policy ? { hookRuntime: props.policy } : {}),
  });
  new BackupPolicyTrigger(stack, 'Trigger', { policy, backupBeforeDestroy: true, ...(props.trigger ? { hookRuntime: props.trigger } : {}) });
  BackupVault.fromVaultName(stack, 'Vault', 'nightly').addTrigger('VaultTrigger', props.vault ? { hookRuntime: props.vault } : {});
}

/** Every local-exec interpreter of the stack, by resource logical id (each resource's are the same). */
function interpreters(json: { resource?: Record<string, Record<string, unknown>> }): Record<string, string[][]> {
  const out: Record<string, string[][]> = {};
  for (const [id, resource] of Object.entries(resourcesOf(json, 'terraform_data'))) {
    out[id] = localExecs(resource).map((exec: { interpreter: string[] }) => exec.interpreter);
  }
  return out;
}

describe.each(FRAMEWORK_NAMES)('under %s', (framework) => {
  const { newStack } = under(framework);

  test('the default is NODE: every hook runs `node <executor>`, and the stack carries no launcher', () => {
    const stack = newStack();
    everyHook(stack);
    const json = synthJson(stack);
    const all = Object.values(interpreters(json)).flat();
    expect(all.length).toBe(7); // policy apply + destroy, volume attach + detach, trigger run, before destroy, vault run
    for (const interpreter of all) {
      expect(interpreter).toEqual(['node', expect.stringMatching(EXECUTOR)]);
    }
    expect(stack.node.tryFindChild(HOOK_LAUNCHER_ASSET_ID)).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain(HOOK_LAUNCHER_FILE);
  });

  test('NODE given as a prop or the context writes exactly what the default writes', () => {
    const plain = newStack();
    everyHook(plain);
    const byProp = newStack();
    everyHook(byProp, { policy: HookRuntime.NODE, trigger: HookRuntime.NODE, vault: HookRuntime.NODE });
    const byContext = newStack({ [HOOK_RUNTIME_CONTEXT_KEY]: 'node' });
    everyHook(byContext);
    expect(synthJson(byProp)).toEqual(synthJson(plain));
    expect(synthJson(byContext)).toEqual(synthJson(plain));
  });

  test('the context key "portable": every hook runs `sh <launcher> <executor>`, the launcher one asset of the stack', () => {
    const stack = newStack({ [HOOK_RUNTIME_CONTEXT_KEY]: 'portable' });
    everyHook(stack);
    const json = synthJson(stack);
    const all = Object.values(interpreters(json)).flat();
    expect(all.length).toBe(7);
    for (const interpreter of all) {
      expect(interpreter).toEqual(['sh', expect.stringMatching(LAUNCHER), expect.stringMatching(EXECUTOR)]);
    }
    expect(new Set(all.map((i) => i[1])).size).toBe(1);
    // the asset is the launcher's source as it is (src/hook/vbs-backup-hook.sh; lib/hook is a copy)
    const asset = stack.node.tryFindChild(HOOK_LAUNCHER_ASSET_ID) as unknown as { path: string };
    expect(asset).toBeDefined();
    expect(HOOK_LAUNCHER_FILE).toBe('vbs-backup-hook.sh');
    expect(fs.existsSync(path.join(ROOT, 'src', 'hook', HOOK_LAUNCHER_FILE))).toBe(true);
  });

  test('a prop wins over the context, either way, per construct', () => {
    const stack = newStack({ [HOOK_RUNTIME_CONTEXT_KEY]: HookRuntime.PORTABLE });
    everyHook(stack, { policy: HookRuntime.NODE, vault: HookRuntime.NODE });
    const byId = interpreters(synthJson(stack));
    const first = (part: RegExp): string => Object.entries(byId).filter(([id]) => part.test(id)).map(([, i]) => i[0][0])[0];
    expect({ policy: first(/^Policy_[0-9A-F]{8}$/), volumes: first(/^Policy_Volumes_/), trigger: first(/^Trigger_Run_/), before: first(/^Trigger_BeforeDestroy_/), vault: first(/VaultTrigger_Run_/) })
      .toEqual({ policy: 'node', volumes: 'node', trigger: 'sh', before: 'sh', vault: 'node' });

    const other = newStack({ [HOOK_RUNTIME_CONTEXT_KEY]: HookRuntime.NODE });
    everyHook(other, { trigger: HookRuntime.PORTABLE });
    const otherById = interpreters(synthJson(other));
    expect(Object.entries(otherById).filter(([, i]) => i[0][0] === 'sh').map(([id]) => id).sort()).toEqual([
      expect.stringContaining('Trigger_BeforeDestroy'),
      expect.stringContaining('Trigger_Run'),
    ]);
  });

  test('HCL: the same interpreter list', () => {
    const stack = newStack({ [HOOK_RUNTIME_CONTEXT_KEY]: 'portable' });
    everyHook(stack);
    const hcl = synthHcl(stack);
    const lists = [...hcl.matchAll(/interpreter\s*=\s*\[([^\]]*)\]/g)].map((m) => m[1].split(',').map((word) => JSON.parse(word.trim()) as string));
    expect(lists).toHaveLength(7);
    for (const list of lists) {
      expect(list).toEqual(['sh', expect.stringMatching(LAUNCHER), expect.stringMatching(EXECUTOR)]);
    }
  });

  test('an invalid context value is a clear error naming the key and what is allowed', () => {
    const stack = newStack({ [HOOK_RUNTIME_CONTEXT_KEY]: 'bun' });
    let thrown: unknown;
    try {
      resolveHookRuntime(stack, undefined);
    } catch (err) {
      thrown = err;
    }
    expect(BackupErrors.isValidationError(thrown)).toBe(true);
    expect(() => everyHook(stack)).toThrow(
      'stack/Policy: context "cdktf-vbs-backup:hookRuntime" "bun" is not supported; allowed: "node" or "portable" (set it in cdktf.json "context", or pass the hookRuntime prop)',
    );
  });

  test('an invalid prop is a clear error naming the prop', () => {
    const stack = newStack();
    expect(() => everyHook(stack, { trigger: 'docker' as HookRuntime })).toThrow(
      'stack/Trigger: hookRuntime "docker" is not supported; allowed: "node" or "portable" (the HookRuntime enum)',
    );
  });
});
