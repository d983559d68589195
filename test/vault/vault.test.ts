import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import * as root from '../../src';
import { HOOK_RESOURCE_CONTEXT_KEY, HookResource } from '../../src/core/hook-kind';
import { vaultCheckpointPrefix } from '../../src/contract/checkpoint';
import { BackupPolicy } from '../../src/policy';
import { BackupPolicyTrigger, FailureMode, IBackupVault, Rerun, VaultBackupTrigger, VaultBackupTriggerOptions, WhenBusy } from '../../src/trigger';
import { BackupVault } from '../../src/vault';
import { FRAMEWORK_NAMES, hookEnvironment, localExecs, POLICY_ID, PROJECT_ID, resourceNamed, resourcesOf, synthHcl, synthJson, under, VOLUME_A, VOLUME_B } from '../core/synth';

const VAULT_ID = '3b5d8e2a-4c1f-4e6b-9a7d-0f2e1c3b4a5d';

/** The first 12 hex of sha256 of a construct path, computed here from the path as written. */
function idOf(constructPath: string): string {
  return createHash('sha256').update(constructPath).digest('hex').slice(0, 12);
}

describe.each(FRAMEWORK_NAMES)('under %s', (framework) => {
  const { newStack, hook, module, userResource } = under(framework);

  /** A provider's vault resource (`huaweicloud_cbr_vault`), as a generated provider class makes it. */
  class ProviderVault extends (module.TerraformResource as typeof cdktf.TerraformResource) {
    constructor(scope: Construct, id: string, type = 'huaweicloud_cbr_vault') {
      super(scope, id, { terraformResourceType: type });
    }

    public get id(): string {
      return this.getStringAttribute('id');
    }
  }

  function vaultTrigger(stack: cdktf.TerraformStack, options: VaultBackupTriggerOptions = {}, vault?: IBackupVault): VaultBackupTrigger {
    return new VaultBackupTrigger(stack, 'Backup', { vault: vault ?? BackupVault.fromVaultId(stack, 'Vault', VAULT_ID), ...options });
  }

  function resource(stack: cdktf.TerraformStack, part: string, kind: string = hook.type) {
    const res = resourceNamed(synthJson(stack), kind, part);
    const exec = localExecs(res)[0];
    return { res, exec, env: hookEnvironment(res, exec) };
  }

  const run = (stack: cdktf.TerraformStack, kind?: string) => resource(stack, 'Backup_Run', kind);
  const RUN_KEY = (kind: string = hook.triggers, watched: string[] = []) =>
    `substr(sha256(jsonencode([${[`self.${kind}`, ...watched].join(', ')}])), 0, 8)`;

  describe('VaultBackupTrigger: the run resource', () => {
    test('defaults: create-time hook-vault-trigger; the triggers name the vault and the trigger; the environment is them plus the run key Terraform computes', () => {
      const stack = newStack();
      const trigger = vaultTrigger(stack);
      const { res, exec, env } = run(stack);
      expect(exec.command).toBe('hook-vault-trigger');
      expect(exec.when).toBeUndefined();
      const triggerId = idOf('stack/Backup');
      expect(trigger.triggerId).toBe(triggerId);
      expect(trigger.label).toBe('stack-Backup');
      expect(res[hook.triggers]).toEqual({ VBS_HOOK_VAULT_ID: VAULT_ID, VBS_HOOK_TRIGGER_ID: triggerId, VBS_HOOK_LABEL: 'stack-Backup' });
      // no wait, 1800 s, fail, wait when busy, incremental, keep all: the executor's defaults, not written
      expect(exec.environment).toBe(`\${merge(self.${hook.triggers}, {VBS_HOOK_RUN = ${RUN_KEY()}})}`);
      expect(env).toEqual({ ...res[hook.triggers], VBS_HOOK_RUN: RUN_KEY() });
      expect(Object.keys(resourcesOf(synthJson(stack), hook.type)).filter((id) => id.includes('BeforeDestroy'))).toEqual([]);
    });

    test('fromVaultName: the name instead of the id', () => {
      const stack = newStack();
      vaultTrigger(stack, {}, BackupVault.fromVaultName(stack, 'Vault', 'nightly-db'));
      const { res } = run(stack);
      expect(res[hook.triggers].VBS_HOOK_VAULT_NAME).toBe('nightly-db');
      expect(res[hook.triggers].VBS_HOOK_VAULT_ID).toBeUndefined();
    });

    test("a provider vault's .id (a token) is the vault id, and the trigger runs after the vault resource only if told", () => {
      const stack = newStack();
      const provider = new ProviderVault(stack, 'CbrVault');
      const providerId = provider.id;
      const vault = BackupVault.fromVaultId(stack, 'Vault', providerId);
      expect(vault.vaultId).toBe(providerId);
      vault.addTrigger('Backup', { executeAfter: [provider] });
      const res = resourceNamed(synthJson(stack), hook.type, 'Vault_Backup_Run');
      expect(res[hook.triggers].VBS_HOOK_VAULT_ID).toBe('${huaweicloud_cbr_vault.CbrVault.id}');
      expect(res.depends_on).toEqual(['huaweicloud_cbr_vault.CbrVault']);
    });

    test('vault.addTrigger makes the trigger under the vault, options passed through; its label is stack and id', () => {
      const stack = newStack();
      const vault = BackupVault.fromVaultName(stack, 'Vault', 'nightly-db');
      const trigger = vault.addTrigger('AfterMigration', { keepLast: 7 });
      expect(trigger).toBeInstanceOf(VaultBackupTrigger);
      expect(trigger.node.path).toBe('stack/Vault/AfterMigration');
      expect(trigger.vault).toBe(vault);
      expect(trigger.triggerId).toBe(idOf('stack/Vault/AfterMigration'));
      expect(trigger.label).toBe('stack-AfterMigratio'); // 19 characters at most
      const res = resourceNamed(synthJson(stack), hook.type, 'Vault_AfterMigration_Run');
      expect(hookEnvironment(res, localExecs(res)[0]).VBS_HOOK_KEEP_LAST).toBe('7');
    });

    test('the label keeps [A-Za-z0-9_-] of stack and id, at most 19 characters, so a checkpoint prefix is at most 41', () => {
      const stack = newStack();
      const vault = BackupVault.fromVaultId(stack, 'Vault', VAULT_ID);
      const trigger = vault.addTrigger('after the v2.1 migration, nightly');
      expect(trigger.label).toBe('stack-after_the_v2_');
      expect(trigger.label).toHaveLength(19);
      expect(vaultCheckpointPrefix(trigger.label, trigger.triggerId, 'ffffffff')).toHaveLength(41);
      expect(vaultCheckpointPrefix(trigger.label, trigger.triggerId, 'ffffffff')).toMatch(/^[A-Za-z0-9_-]{1,41}$/);
    });

    test('resourceIds: literal ids and tokens, comma-separated, a replacing value', () => {
      const stack = newStack();
      const volume = userResource(stack, 'Volume');
      vaultTrigger(stack, { resourceIds: [VOLUME_A, volume.id, VOLUME_B] });
      const { res } = run(stack);
      const address = `${under(framework).userResourceType}.Volume.id`;
      expect(res[hook.triggers].VBS_HOOK_RESOURCE_IDS).toBe(`${VOLUME_A},\${${address}},${VOLUME_B}`);
    });

    test('resourceIds: a list token is joined by Terraform', () => {
      const stack = newStack();
      const ids = new module.TerraformVariable(stack, 'ids', { type: 'list(string)' });
      vaultTrigger(stack, { resourceIds: ids.listValue });
      expect(run(stack).res[hook.triggers].VBS_HOOK_RESOURCE_IDS).toBe('${join(",", var.ids)}');
    });

    test('incremental: false and keepLast are settings: environment only, never a replacing value', () => {
      const stack = newStack();
      vaultTrigger(stack, { incremental: false, keepLast: 3 });
      const { res, exec, env } = run(stack);
      expect(exec.environment).toBe(`\${merge(self.${hook.triggers}, {VBS_HOOK_INCREMENTAL = "false", VBS_HOOK_KEEP_LAST = "3", VBS_HOOK_RUN = ${RUN_KEY()}})}`);
      expect(env.VBS_HOOK_INCREMENTAL).toBe('false');
      expect(env.VBS_HOOK_KEEP_LAST).toBe('3');
      expect(Object.keys(res[hook.triggers]).sort()).toEqual(['VBS_HOOK_LABEL', 'VBS_HOOK_TRIGGER_ID', 'VBS_HOOK_VAULT_ID']);
    });

    test('incremental: true (the API default) is not written', () => {
      const stack = newStack();
      vaultTrigger(stack, { incremental: true });
      expect(run(stack).env.VBS_HOOK_INCREMENTAL).toBeUndefined();
    });

    test('a keepLast token: the environment becomes a map (a token cannot go inside the expression), the run key still computed', () => {
      const stack = newStack();
      const keep = new module.TerraformVariable(stack, 'keep', { type: 'number' });
      vaultTrigger(stack, { keepLast: keep.numberValue });
      const { exec } = run(stack);
      expect(exec.environment).toEqual({
        VBS_HOOK_VAULT_ID: hook.self('VBS_HOOK_VAULT_ID'),
        VBS_HOOK_TRIGGER_ID: hook.self('VBS_HOOK_TRIGGER_ID'),
        VBS_HOOK_LABEL: hook.self('VBS_HOOK_LABEL'),
        VBS_HOOK_KEEP_LAST: '${var.keep}',
        VBS_HOOK_RUN: `\${${RUN_KEY()}}`,
      });
    });

    test("the vault's connection, and the trigger's winning field by field: replacing values, CBR endpoint included", () => {
      const stack = newStack();
      const vault = BackupVault.fromVaultId(stack, 'Vault', VAULT_ID, { endpoint: 'http://127.0.0.1:8787', region: 'eu-de', projectId: PROJECT_ID });
      vault.addTrigger('Backup', { connection: { region: 'eu-nl' } });
      const res = resourceNamed(synthJson(stack), hook.type, 'Vault_Backup_Run');
      expect(res[hook.triggers]).toMatchObject({
        VBS_HOOK_ENDPOINT: 'http://127.0.0.1:8787',
        VBS_HOOK_REGION: 'eu-nl',
        VBS_HOOK_PROJECT_ID: PROJECT_ID,
      });
    });

    test('null_resource hooks: the run key is over self.triggers', () => {
      const stack = newStack({ [HOOK_RESOURCE_CONTEXT_KEY]: HookResource.NULL_RESOURCE });
      vaultTrigger(stack);
      const { exec } = run(stack, 'null_resource');
      expect(exec.environment).toBe(`\${merge(self.triggers, {VBS_HOOK_RUN = ${RUN_KEY('triggers')}})}`);
    });

    test('HCL: the same environment expression, quoted as a template', () => {
      const stack = newStack();
      vaultTrigger(stack, { keepLast: 2 });
      expect(synthHcl(stack)).toContain(
        `environment = "\${merge(self.${hook.triggers}, {VBS_HOOK_KEEP_LAST = "2", VBS_HOOK_RUN = ${RUN_KEY()}})}"`,
      );
    });
  });

  describe('rerun rules and backupBeforeDestroy, as for a policy', () => {
    test('onChange: rerun_<key> replacing values on the run resource (so a new run key); never on the before-destroy one', () => {
      const stack = newStack();
      vaultTrigger(stack, { rerun: Rerun.onChange({ release: '1.4.2' }), backupBeforeDestroy: true });
      expect(run(stack).res[hook.triggers].rerun_release).toBe('1.4.2');
      const before = resource(stack, 'Backup_BeforeDestroy');
      expect(before.res[hook.triggers].rerun_release).toBeUndefined();
      expect(before.exec.when).toBe('destroy');
      expect(before.exec.command).toBe('hook-vault-trigger');
      // the destroy-time key is over self only; the phase keeps its runs apart
      expect(before.exec.environment).toBe(`\${merge(self.${hook.triggers}, {VBS_HOOK_PHASE = "destroy", VBS_HOOK_RUN = ${RUN_KEY()}})}`);
    });

    test('everyApply: a timestamp() replacing value', () => {
      const stack = newStack();
      vaultTrigger(stack, { rerun: Rerun.everyApply() });
      expect(run(stack).res[hook.triggers].rerun_every_apply).toBe('${timestamp()}');
    });

    test('whenChanged: replace_triggered_by, and each watched resource as a whole in the run key (a changed one, a new key)', () => {
      const stack = newStack();
      const migration = new Construct(stack, 'Migration');
      const a = userResource(migration, 'Schema');
      const b = userResource(migration, 'Seed');
      vaultTrigger(stack, { rerun: Rerun.whenChanged(migration), backupBeforeDestroy: true });
      const type = under(framework).userResourceType;
      const addresses = [`${type}.${a.friendlyUniqueId}`, `${type}.${b.friendlyUniqueId}`];
      const { res, exec } = run(stack);
      expect(res.lifecycle.replace_triggered_by).toEqual(addresses);
      expect(exec.environment).toBe(`\${merge(self.${hook.triggers}, {VBS_HOOK_RUN = ${RUN_KEY(hook.triggers, addresses)}})}`);
      const before = resource(stack, 'Backup_BeforeDestroy');
      expect(before.res.lifecycle).toBeUndefined();
      expect(before.exec.environment).toContain(`VBS_HOOK_RUN = ${RUN_KEY()}`);
    });

    test('whenChanged and ordering take resources added after the trigger was made: in the run key too, JSON and HCL', () => {
      const stack = newStack();
      const migration = new Construct(stack, 'Migration');
      const traffic = new Construct(stack, 'Traffic');
      const trigger = vaultTrigger(stack, { rerun: Rerun.whenChanged(migration), executeAfter: [migration], executeBefore: [traffic] });
      const schema = userResource(migration, 'Schema');
      const switchOver = userResource(traffic, 'Switch');
      const type = under(framework).userResourceType;
      const { res, exec } = run(stack);
      expect(res.lifecycle.replace_triggered_by).toEqual([`${type}.${schema.friendlyUniqueId}`]);
      expect(res.depends_on).toEqual([`${type}.${schema.friendlyUniqueId}`]);
      expect(exec.environment).toBe(`\${merge(self.${hook.triggers}, {VBS_HOOK_RUN = ${RUN_KEY(hook.triggers, [`${type}.${schema.friendlyUniqueId}`])}})}`);
      expect(resourceNamed(synthJson(stack), type, switchOver.friendlyUniqueId).depends_on).toEqual([`${hook.type}.${trigger.runResource.friendlyUniqueId}`]);
      const hcl = synthHcl(stack);
      expect(hcl).toContain(`replace_triggered_by = [${type}.${schema.friendlyUniqueId}]`);
      expect(hcl).toContain(`VBS_HOOK_RUN = ${RUN_KEY(hook.triggers, [`${type}.${schema.friendlyUniqueId}`])}`);
    });

    test('whenChanged names a watched resource by the logical id it has at synth', () => {
      const stack = newStack();
      const migration = userResource(stack, 'Migration');
      vaultTrigger(stack, { rerun: Rerun.whenChanged(migration) });
      migration.overrideLogicalId('schema_v3');
      const type = under(framework).userResourceType;
      expect(run(stack).exec.environment).toContain(RUN_KEY(hook.triggers, [`${type}.schema_v3`]));
      expect(synthHcl(stack)).toContain(`replace_triggered_by = [${type}.schema_v3]`);
    });

    test('ordering: executeAfter and executeBefore, props and methods, on both hook resources', () => {
      const stack = newStack();
      const before = userResource(stack, 'Database');
      const after = userResource(stack, 'Traffic');
      const trigger = vaultTrigger(stack, { executeAfter: [before], backupBeforeDestroy: true });
      trigger.executeBefore(after);
      const json = synthJson(stack);
      const type = under(framework).userResourceType;
      for (const part of ['Backup_Run', 'Backup_BeforeDestroy']) {
        expect(resourceNamed(json, hook.type, part).depends_on).toEqual([`${type}.Database`]);
      }
      expect(resourcesOf(json, type).Traffic.depends_on.sort()).toEqual(
        Object.keys(resourcesOf(json, hook.type))
          .filter((id) => id.startsWith('Backup_'))
          .map((id) => `${hook.type}.${id}`)
          .sort(),
      );
    });
  });

  describe('one implementation: the policy and the vault trigger render every common option alike', () => {
    const cases: [string, VaultBackupTriggerOptions][] = [
      ['defaults', {}],
      ['waiting, bounded, continuing', { waitForCompletion: true, timeoutSeconds: 600, failureMode: FailureMode.CONTINUE }],
      ['join when busy, before destroy', { whenBusy: WhenBusy.JOIN_RUNNING, backupBeforeDestroy: true }],
      ['fail when busy, rerun on change', { whenBusy: WhenBusy.FAIL, rerun: Rerun.onChange({ release: '2' }) }],
      ['every apply, null_resource', { rerun: Rerun.everyApply(), hookResource: HookResource.NULL_RESOURCE, connection: { region: 'eu-de' } }],
    ];
    test.each(cases)('%s', (_name, options) => {
      const stack = newStack();
      new BackupPolicyTrigger(stack, 'Policy', { policy: BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID), ...options });
      new VaultBackupTrigger(stack, 'Vault', { vault: BackupVault.fromVaultId(stack, 'V', VAULT_ID), ...options });
      const json = synthJson(stack);
      const kind = options.hookResource ?? hook.type;
      const own = /^VBS_HOOK_(POLICY_ID|VAULT_ID|TRIGGER_ID|LABEL|RUN)$/;
      const common = (part: string) => {
        const res = resourceNamed(json, kind, part);
        const strip = (map: Record<string, string>) => Object.fromEntries(Object.entries(map).filter(([k]) => !own.test(k)));
        return {
          triggers: strip(res[kind === 'null_resource' ? 'triggers' : 'triggers_replace']),
          env: strip(hookEnvironment(res, localExecs(res)[0])),
          when: localExecs(res)[0].when,
          dependsOn: res.depends_on,
        };
      };
      expect(common('Vault_Run')).toEqual(common('Policy_Run'));
      const parts = Object.keys(resourcesOf(json, kind));
      expect(parts.some((id) => id.startsWith('Vault_BeforeDestroy'))).toBe(options.backupBeforeDestroy === true);
      if (options.backupBeforeDestroy) expect(common('Vault_BeforeDestroy')).toEqual(common('Policy_BeforeDestroy'));
    });
  });

  describe('synth validation: formats, with the construct path, the prop and what is allowed; tokens skipped', () => {
    test.each([
      ['not-a-uuid', 'stack/Vault: vaultId "not-a-uuid" is not a vault id; allowed: a UUID (8-4-4-4-12 hexadecimal), e.g. "3b5d8e2a-4c1f-4e6b-9a7d-0f2e1c3b4a5d"'],
      [`${VAULT_ID}x`, `stack/Vault: vaultId "${VAULT_ID}x" is not a vault id`],
    ])('fromVaultId %s', (vaultId, message) => {
      expect(() => BackupVault.fromVaultId(newStack(), 'Vault', vaultId)).toThrow(message);
    });

    test.each(['', 'x'.repeat(65), 'tab\there'])('fromVaultName %j', (name) => {
      expect(() => BackupVault.fromVaultName(newStack(), 'Vault', name)).toThrow(
        `stack/Vault: vaultName ${JSON.stringify(name)} is not a vault name; allowed: 1 to 64 characters, no control characters, e.g. "nightly-db"`,
      );
    });

    test('a vault name of 64 characters, or of a migrated policy, passes', () => {
      const stack = newStack();
      expect(BackupVault.fromVaultName(stack, 'A', 'x'.repeat(64)).vaultName).toHaveLength(64);
      const vault = BackupVault.fromVaultName(stack, 'B', 'nightly-db');
      expect(vault.vaultName).toBe('nightly-db');
      expect(vault.vaultId).toBeUndefined();
      expect(vault).not.toHaveProperty('vaultReference');
    });

    test('resourceIds: each id checked, naming its index', () => {
      expect(() => vaultTrigger(newStack(), { resourceIds: [VOLUME_A, 'vol-1'] })).toThrow(
        'stack/Backup: resourceIds[1] "vol-1" is not a resource id; allowed: a UUID (8-4-4-4-12 hexadecimal) of a resource in the vault',
      );
      expect(() => vaultTrigger(newStack(), { resourceIds: [VOLUME_A, VOLUME_A] })).toThrow(
        `stack/Backup: resourceIds[1] "${VOLUME_A}" is listed twice; allowed: each resource id once`,
      );
      expect(() => vaultTrigger(newStack(), { resourceIds: [] })).toThrow(
        'stack/Backup: resourceIds [] is empty; allowed: at least one resource id, or no resourceIds to back up every resource in the vault',
      );
    });

    test.each([0, 100000, 1.5, -1])('keepLast %d', (keepLast) => {
      expect(() => vaultTrigger(newStack(), { keepLast })).toThrow(
        `stack/Backup: keepLast ${keepLast} is out of range; allowed: a whole number from 1 to 99999 (backups kept per resource)`,
      );
    });

    test('a token setting with backupBeforeDestroy is refused: a destroy-time provisioner can read only self (policy triggers alike)', () => {
      const stack = newStack();
      const keep = new module.TerraformVariable(stack, 'keep', { type: 'number' });
      expect(() => vaultTrigger(stack, { keepLast: keep.numberValue, backupBeforeDestroy: true })).toThrow(
        /^stack\/Backup: keepLast -?[0-9.]+e\+[0-9]+ is a token, which the run before destroy cannot read \(Terraform lets a destroy-time provisioner reference only self\); allowed: a literal keepLast with backupBeforeDestroy, or no backupBeforeDestroy$/,
      );
      const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID);
      expect(() => policy.addTrigger('P', { timeoutSeconds: keep.numberValue, backupBeforeDestroy: true })).toThrow(
        'stack/Existing/P: timeoutSeconds',
      );
      // without backupBeforeDestroy a token setting is fine (the run resource may reference anything)
      const other = newStack();
      const keepOther = new module.TerraformVariable(other, 'keep', { type: 'number' });
      expect(() => vaultTrigger(other, { keepLast: keepOther.numberValue })).not.toThrow();
    });

    test('keepLast 1 and 99999 pass', () => {
      expect(() => vaultTrigger(newStack(), { keepLast: 1 })).not.toThrow();
      expect(() => vaultTrigger(newStack(), { keepLast: 99999 })).not.toThrow();
    });

    test('the common options are checked as for a policy trigger', () => {
      expect(() => vaultTrigger(newStack(), { timeoutSeconds: 0 })).toThrow('stack/Backup: timeoutSeconds 0 is out of range; allowed: a whole number from 1 to 86400');
      expect(() => vaultTrigger(newStack(), { whenBusy: 'queue' as WhenBusy })).toThrow('stack/Backup: whenBusy "queue" is not a WhenBusy value');
      expect(() => vaultTrigger(newStack(), { rerun: Rerun.onChange({}) })).toThrow('stack/Backup: rerun {} has no values to watch');
      expect(() => BackupVault.fromVaultId(newStack(), 'Vault', VAULT_ID, { region: 'EU_DE' })).toThrow('stack/Vault: connection.region "EU_DE" is not a region name');
    });

    test('tokens are never checked at synth: vault id, vault name, resource ids, keepLast', () => {
      const stack = newStack();
      const text = new module.TerraformVariable(stack, 'text', { type: 'string' });
      const count = new module.TerraformVariable(stack, 'count', { type: 'number' });
      expect(() => vaultTrigger(stack, { resourceIds: [text.stringValue], keepLast: count.numberValue }, BackupVault.fromVaultId(stack, 'A', text.stringValue))).not.toThrow();
      expect(() => BackupVault.fromVaultName(stack, 'B', text.stringValue)).not.toThrow();
      expect(() => synthJson(stack)).not.toThrow();
    });
  });

  describe('backupBeforeDestroy on a vault of the same stack: a synth warning', () => {
    const warningsOf = (construct: Construct) =>
      construct.node.metadata.filter((m) => /warn$/.test(m.type)).map((m) => String(m.data));

    test("warned once, naming the vault resource, when the vault id is a vault resource's of this stack", () => {
      const stack = newStack();
      const provider = new ProviderVault(stack, 'CbrVault');
      const trigger = BackupVault.fromVaultId(stack, 'Vault', provider.id).addTrigger('Backup', { backupBeforeDestroy: true });
      synthJson(stack);
      synthJson(stack);
      expect(warningsOf(trigger)).toEqual([
        'backupBeforeDestroy backs up a vault this stack manages (huaweicloud_cbr_vault.CbrVault, stack/CbrVault): destroying the stack deletes the vault and every backup in it, ' +
          'the one made before destroy included. Keep the vault in a stack that outlives this one if its backups must survive the destroy, or drop backupBeforeDestroy.',
      ]);
    });

    test.each(['opentelekomcloud_cbr_vault_v3', 'flexibleengine_cbr_vault'])('the other providers: %s', (type) => {
      const stack = newStack();
      const provider = new ProviderVault(stack, 'CbrVault', type);
      const trigger = BackupVault.fromVaultId(stack, 'Vault', provider.id).addTrigger('Backup', { backupBeforeDestroy: true });
      synthJson(stack);
      expect(warningsOf(trigger)).toHaveLength(1);
    });

    test('it reaches the manifest a real synth writes (what `cdktf synth` prints)', () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-vault-warn-'));
      try {
        const app = new module.App({ outdir });
        const stack = new module.TerraformStack(app, 'stack');
        const provider = new ProviderVault(stack, 'CbrVault');
        BackupVault.fromVaultId(stack, 'Vault', provider.id).addTrigger('Backup', { backupBeforeDestroy: true });
        app.synth();
        const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
        const annotations = manifest.stacks.stack.annotations as { constructPath: string; level: string; message: string }[];
        expect(annotations.filter((a) => /warn$/.test(a.level)).map((a) => [a.constructPath, a.message.slice(0, 50)])).toEqual([
          ['stack/Vault/Backup', 'backupBeforeDestroy backs up a vault this stack ma'],
        ]);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });

    test('no warning without backupBeforeDestroy, for a literal id, a name, a resource that is no vault, or a vault of another stack', () => {
      const stack = newStack();
      const provider = new ProviderVault(stack, 'CbrVault');
      const other = userResource(stack, 'Other');
      const otherStack = new module.TerraformStack(stack.node.scope as Construct, 'other');
      const foreign = new ProviderVault(otherStack, 'ForeignVault');
      const triggers = [
        BackupVault.fromVaultId(stack, 'A', provider.id).addTrigger('Backup'),
        BackupVault.fromVaultId(stack, 'B', VAULT_ID).addTrigger('Backup', { backupBeforeDestroy: true }),
        BackupVault.fromVaultName(stack, 'C', 'nightly-db').addTrigger('Backup', { backupBeforeDestroy: true }),
        BackupVault.fromVaultId(stack, 'D', other.id).addTrigger('Backup', { backupBeforeDestroy: true }),
        BackupVault.fromVaultId(stack, 'E', foreign.id).addTrigger('Backup', { backupBeforeDestroy: true }),
      ];
      synthJson(stack);
      expect(triggers.map(warningsOf)).toEqual([[], [], [], [], []]);
    });
  });
});

test('the vault constructs are exported from the package root', () => {
  expect(root.BackupVault).toBe(BackupVault);
  expect(root.VaultBackupTrigger).toBe(VaultBackupTrigger);
});

test('both triggers are an IBackupTrigger: one function orders either kind', () => {
  const { newStack, hook, userResource } = under('cdktf');
  const stack = newStack();
  const deploy = userResource(stack, 'Deploy');
  const triggers: root.IBackupTrigger[] = [
    BackupPolicy.fromPolicyId(stack, 'Policy', POLICY_ID).addTrigger('Backup', { backupBeforeDestroy: true }),
    BackupVault.fromVaultName(stack, 'Vault', 'nightly-db').addTrigger('Backup', { backupBeforeDestroy: true }),
  ];
  const beforeDeploy = (trigger: root.IBackupTrigger) => trigger.executeBefore(deploy);
  triggers.forEach(beforeDeploy);
  const addresses = triggers.flatMap((t) => [t.runResource, t.beforeDestroyResource!]).map((r) => `${hook.type}.${r.friendlyUniqueId}`);
  expect(addresses).toHaveLength(4);
  expect(synthJson(stack).resource.null_resource[deploy.friendlyUniqueId].depends_on).toEqual(addresses);
});
