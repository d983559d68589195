/**
 * Hostile input on every CBR route, from a seeded PRNG: bodies and query values of every JSON
 * type in and around the documented shapes. No request may reach a 5xx (an internal error),
 * every refusal is CBR's error shape, and the emulator keeps its data consistent (the vault
 * made first is still there, and its checkpoint still works).
 */
import { randomUUID } from 'node:crypto';
import { CBR_OPERATIONS, CbrOperationName } from '../../src/contract/cbr-wire';
import { Emulator, startEmulator } from '../../src/emulator';
import { call } from './helpers';
import { checkpoint, createCbrPolicy, createVault, v3 } from './cbr-support';

/** Fixed so a failure reproduces. */
const SEED = 0xcb12e3;
const PER_OPERATION = 40;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('emulator: hostile input on the CBR routes', () => {
  let em: Emulator;
  afterAll(() => em.stop());

  test(`${PER_OPERATION} random requests per operation: never a 5xx, refusals in CBR's error shape, the data still sound`, async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const rand = mulberry32(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
    const vault = await createVault(em, 'kept');
    const policy = await createCbrPolicy(em);
    const ids = [vault.id, vault.disks[0], policy, randomUUID(), 'x', '', '../../etc', '%00', 'A'.repeat(300)];
    const scalar = (): unknown => pick([null, true, false, 0, -1, 1.5, 1e308, 'x', '', '<b>', 'é中', pick(ids), [], {}, [pick(ids)], '2018-02-01T12:00:00Z']);
    const value = (depth = 0): unknown => {
      if (depth > 2 || rand() < 0.5) return scalar();
      if (rand() < 0.5) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      const keys = ['name', 'id', 'type', 'size', 'billing', 'resources', 'resource_ids', 'policy_id', 'vault_id', 'parameters', 'pattern', 'properties',
        'trigger', 'operation_definition', 'max_backups', 'retention_duration_days', 'day_backups', 'timezone', 'extra_info', 'exclude_volumes', 'tags', 'key', 'value'];
      return Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => [pick(keys), value(depth + 1)]));
    };
    const wrapperOf: Partial<Record<CbrOperationName, string>> = {
      createVault: 'vault', updateVault: 'vault', createCheckpoint: 'checkpoint', createCbrPolicy: 'policy', updateCbrPolicy: 'policy',
    };
    const queryKeys = ['name', 'status', 'limit', 'offset', 'sort', 'marker', 'checkpoint_id', 'vault_id', 'resource_ids', 'start_time', 'end_time', 'incremental', 'operation_type', 'id'];
    const failures: string[] = [];
    for (const [operation, { method, path }] of Object.entries(CBR_OPERATIONS) as [CbrOperationName, { method: string; path: string }][]) {
      for (let i = 0; i < PER_OPERATION; i++) {
        // Never delete the vault and policy the final check needs.
        const id = operation.startsWith('delete') ? pick(ids.slice(3)) : pick(ids);
        const url = path.replace('/v3/{project_id}', '').replace(/\{[a-z_]+\}/, encodeURIComponent(id));
        const query = Array.from({ length: Math.floor(rand() * 3) }, () => `${pick(queryKeys)}=${encodeURIComponent(String(scalar()))}`).join('&');
        const wrapper = wrapperOf[operation];
        const body = method === 'GET' || method === 'DELETE' ? undefined : wrapper && rand() < 0.7 ? { [wrapper]: value() } : value();
        const r = await call(em, method, v3(url + (query ? `?${query}` : '')), body === undefined ? {} : { body });
        const shaped = r.status < 400 || (typeof r.json?.error_code === 'string' && typeof r.json?.error_msg === 'string');
        if (r.status >= 500 || !shaped) failures.push(`${method} ${url}?${query} ${JSON.stringify(body)?.slice(0, 200)} -> ${r.status} ${r.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect((await call(em, 'GET', v3(`/vaults/${vault.id}`))).status).toBe(200);
    expect((await checkpoint(em, vault.id)).status).toBe(200);
  });
});
