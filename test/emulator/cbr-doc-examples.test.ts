/**
 * The documented CBR examples (cbr-doc-examples.ts) as the oracle: the emulator's validators
 * accept every documented request as written, the emulator answers the documented requests
 * (ids of objects it made substituted where the example names a vault or policy) with bodies of
 * the documented shapes, and the wire constants list the documented status values.
 */
import { randomUUID } from 'node:crypto';
import { CBR_BACKUP_STATUSES, CBR_CHECKPOINT_STATUSES, CBR_PROTECT_STATUSES, CBR_TASK_STATUSES } from '../../src/contract/cbr-wire';
import { Emulator, startEmulator } from '../../src/emulator';
import {
  checkRule, resourceInputs, validateCheckpoint, validatePolicyCreate, validatePolicyRef, validateRemoveResources, validateVaultCreate, validateVaultUpdate,
} from '../../src/emulator/cbr-validation';
import { call, eventually } from './helpers';
import { v3 } from './cbr-support';
import * as doc from './cbr-doc-examples';

describe('emulator: the documented CBR examples', () => {
  test('the validators accept every documented request as written', () => {
    expect(validateCheckpoint(doc.CREATE_CHECKPOINT_REQUEST)).toEqual({
      vaultId: '3b5816b5-f29c-4172-9d9a-76c719a659ce', auto: true, incremental: true, name: 'backup_name',
      description: undefined, resourceIds: ['94eba8b2-acc9-4d82-badc-127144cc5526'],
    });
    expect(validateVaultCreate(doc.CREATE_VAULT_REQUEST)).toMatchObject({ name: 'test', resources: [], billing: { object_type: 'disk', size: 40 } });
    expect(validateVaultUpdate(doc.UPDATE_VAULT_REQUEST)).toEqual({ name: 'vault_name02', size: 200 });
    expect(resourceInputs(doc.ADD_RESOURCES_REQUEST.resources, 'resources', 1, 'server')).toEqual(doc.ADD_RESOURCES_REQUEST.resources);
    expect(validateRemoveResources(doc.REMOVE_RESOURCES_REQUEST)).toEqual(doc.REMOVE_RESOURCES_REQUEST.resource_ids);
    expect(validatePolicyRef(doc.ASSOCIATE_POLICY_REQUEST, 'associate policy')).toBe(doc.ASSOCIATE_POLICY_REQUEST.policy_id);
    expect(validatePolicyCreate(doc.CREATE_POLICY_REQUEST)).toEqual({
      name: 'policy001', enabled: true, operationType: 'backup', definition: doc.CREATE_POLICY_REQUEST.policy.operation_definition,
      pattern: doc.CREATE_POLICY_REQUEST.policy.trigger.properties.pattern,
    });
    expect(validatePolicyCreate(doc.CREATE_POLICY_WITH_ZEROS_REQUEST).definition).toMatchObject({ retention_duration_days: 1, day_backups: 0 });
    for (const rule of doc.RRULE_EXAMPLES) expect(checkRule(rule, 'pattern')).toBe(rule);
  });

  test('the wire constants list the documented status values', () => {
    expect([...CBR_CHECKPOINT_STATUSES].sort()).toEqual([...doc.CHECKPOINT_STATUSES].sort());
    expect([...CBR_BACKUP_STATUSES].sort()).toEqual([...doc.BACKUP_STATUSES].sort());
    expect([...CBR_PROTECT_STATUSES].sort()).toEqual([...doc.PROTECT_STATUSES].sort());
    expect([...CBR_TASK_STATUSES].sort()).toEqual([...doc.TASK_STATUSES].sort());
  });

  test('shapeDifferences finds a missing key and a type change (the comparison itself can fail)', () => {
    expect(doc.shapeDifferences({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'y' } })).toEqual([]);
    expect(doc.shapeDifferences({ a: 1, b: { c: 'x' } }, { a: '1', b: {} })).toEqual(['$.a: documented number, got string', '$.b.c: missing']);
    expect(doc.shapeDifferences({ l: [{ id: 'x' }] }, { l: [{ id: 2 }] })).toEqual(['$.l[].id: documented string, got number']);
  });

  describe('over HTTP', () => {
    let em: Emulator;
    beforeAll(async () => {
      em = await startEmulator({ jobSeconds: 0.2 });
    });
    afterAll(() => em.stop());

    test('vaults, resources, checkpoints, backups, policies and tasks answer in the documented shapes', async () => {
      const shape = (example: unknown, actual: unknown) => expect(doc.shapeDifferences(example, actual)).toEqual([]);
      // V1, the documented disk vault, as written.
      const disk = await call(em, 'POST', v3('/vaults'), { body: doc.CREATE_VAULT_REQUEST });
      expect([disk.status, disk.json.vault.name, disk.json.vault.resources]).toEqual([200, 'test', []]);
      // V1, a server vault holding the checkpoint example's server: the response example's shape.
      const server = doc.CREATE_CHECKPOINT_REQUEST.checkpoint.parameters.resources[0];
      const created = await call(em, 'POST', v3('/vaults'), {
        body: { vault: { name: 'vault_name', resources: [{ id: server, type: 'OS::Nova::Server' }], billing: { consistent_level: 'crash_consistent', object_type: 'server', protect_type: 'backup', size: 100 } } },
      });
      expect(created.status).toBe(200);
      shape(doc.CREATE_VAULT_RESPONSE, created.json);
      const vaultId = created.json.vault.id as string;
      shape(doc.LIST_VAULTS_RESPONSE, (await call(em, 'GET', v3('/vaults'))).json);
      // V4 and V6 / V7 as written.
      const updated = await call(em, 'PUT', v3(`/vaults/${disk.json.vault.id}`), { body: doc.UPDATE_VAULT_REQUEST });
      expect([updated.status, updated.json.vault.name, updated.json.vault.billing.size]).toEqual([200, 'vault_name02', 200]);
      shape(doc.CREATE_VAULT_RESPONSE, updated.json);
      const added = await call(em, 'POST', v3(`/vaults/${vaultId}/addresources`), { body: doc.ADD_RESOURCES_REQUEST });
      expect([added.status, added.json]).toEqual([200, doc.ADD_RESOURCES_RESPONSE]);
      // C1 as written but for the vault id; C2 once done.
      const c1 = await call(em, 'POST', v3('/checkpoints'), { body: { checkpoint: { ...doc.CREATE_CHECKPOINT_REQUEST.checkpoint, vault_id: vaultId } } });
      expect([c1.status, c1.json.checkpoint.status, c1.json.checkpoint.extra_info.name]).toEqual([200, 'protecting', 'backup_name']);
      shape(doc.CREATE_CHECKPOINT_RESPONSE, c1.json);
      const checkpointId = c1.json.checkpoint.id as string;
      const c2 = await eventually(async () => {
        const r = await call(em, 'GET', v3(`/checkpoints/${checkpointId}`));
        return r.json.checkpoint.status === 'available' ? r : undefined;
      }, 10_000, 'the checkpoint');
      shape(doc.SHOW_CHECKPOINT_RESPONSE, c2.json);
      // B1, B2.
      const backups = await call(em, 'GET', v3(`/backups?checkpoint_id=${checkpointId}`));
      shape(doc.LIST_BACKUPS_RESPONSE, backups.json);
      const queried = await call(em, 'GET', v3(`/backups?${doc.LIST_BACKUPS_QUERY}&checkpoint_id=${checkpointId}`));
      expect([queried.status, queried.json.count]).toEqual([200, 1]);
      expect(backups.json.backups.map((b: { name: string; resource_id: string; extend_info: { auto_trigger: boolean } }) => [b.name, b.resource_id, b.extend_info.auto_trigger]))
        .toEqual([['backup_name', server, true]]);
      shape(doc.SHOW_BACKUP_RESPONSE, (await call(em, 'GET', v3(`/backups/${backups.json.backups[0].id}`))).json);
      // T2.
      const tasks = await call(em, 'GET', v3(`/operation-logs?vault_id=${vaultId}`));
      const task = await call(em, 'GET', v3(`/operation-logs/${tasks.json.operation_logs[0].id}`));
      shape(doc.SHOW_TASK_RESPONSE, task.json);
      expect(task.json.operation_log.checkpoint_id).toBe(checkpointId);
      // P1 as written, P3, V8, V9.
      const policy = await call(em, 'POST', v3('/policies'), { body: doc.CREATE_POLICY_REQUEST });
      expect(policy.status).toBe(200);
      shape(doc.CREATE_POLICY_RESPONSE, policy.json);
      expect(policy.json.policy.operation_definition).toMatchObject(doc.CREATE_POLICY_REQUEST.policy.operation_definition);
      expect((await call(em, 'POST', v3('/policies'), { body: doc.CREATE_POLICY_WITH_ZEROS_REQUEST })).status).toBe(200);
      shape(doc.LIST_POLICIES_RESPONSE, (await call(em, 'GET', v3('/policies'))).json);
      const ref = { policy_id: policy.json.policy.id };
      shape(doc.ASSOCIATE_POLICY_RESPONSE, (await call(em, 'POST', v3(`/vaults/${vaultId}/associatepolicy`), { body: ref })).json);
      shape(doc.DISSOCIATE_POLICY_RESPONSE, (await call(em, 'POST', v3(`/vaults/${vaultId}/dissociatepolicy`), { body: ref })).json);
      const removed = await call(em, 'POST', v3(`/vaults/${vaultId}/removeresources`), { body: doc.REMOVE_RESOURCES_REQUEST });
      expect([removed.status, removed.json]).toEqual([200, doc.REMOVE_RESOURCES_RESPONSE]);
    });

    test('errors: the service error shape, and the documented unknown-task body exactly', async () => {
      const unknownVault = await call(em, 'GET', v3(`/vaults/${randomUUID()}`));
      expect(Object.keys(unknownVault.json).sort()).toEqual(Object.keys(doc.ERROR_RESPONSE).sort());
      expect(doc.shapeDifferences(doc.ERROR_RESPONSE, unknownVault.json)).toEqual([]);
      const task = await call(em, 'GET', v3(`/operation-logs/${randomUUID()}`));
      expect([task.status, task.json]).toEqual([404, doc.TASK_NOT_FOUND_RESPONSE]);
    });
  });
});
