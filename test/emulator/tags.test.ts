import type { Emulator } from '../../src/emulator';
import { PROJECT, call, code, createPolicy, emulatorPerTest } from './helpers';

describe('emulator: policy tags', () => {
  let em: Emulator;
  emulatorPerTest((e) => (em = e), {});

  const base = `/v2/${PROJECT}/backuppolicy`;
  const tagsOf = async (id: string) => (await call(em, 'GET', `${base}/${id}/tags`)).json.tags;

  test('add (204), get (200), upsert, remove (204) a tag', async () => {
    const id = await createPolicy(em);
    const add = await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: 'team', value: 'db' } } });
    expect(add.status).toBe(204);
    expect(add.text).toBe('');
    const get = await call(em, 'GET', `${base}/${id}/tags`);
    expect(get.status).toBe(200);
    expect(get.json).toEqual({ tags: [{ key: 'team', value: 'db' }] });
    await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: 'team', value: 'ops' } } });
    expect(await tagsOf(id)).toEqual([{ key: 'team', value: 'ops' }]);
    const del = await call(em, 'DELETE', `${base}/${id}/tags/team`);
    expect(del.status).toBe(204);
    expect(await tagsOf(id)).toEqual([]);
    const again = await call(em, 'DELETE', `${base}/${id}/tags/team`);
    expect(again.status).toBe(404);
    expect(code(again)).toBe('AutoBackup.0216');
  });

  test('remove takes a URL-encoded key', async () => {
    const id = await createPolicy(em);
    await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: 'a#b', value: '' } } });
    expect((await call(em, 'DELETE', `${base}/${id}/tags/a%23b`)).status).toBe(204);
    expect(await tagsOf(id)).toEqual([]);
  });

  test('tag validation and the limit of 10', async () => {
    const id = await createPolicy(em);
    expect(code(await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: '', value: 'v' } } }))).toBe('AutoBackup.0214');
    expect(code(await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: 'k'.repeat(37), value: 'v' } } }))).toBe('AutoBackup.0214');
    expect(code(await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: 'k', value: 'v'.repeat(44) } } }))).toBe('AutoBackup.0214');
    expect(code(await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: 'k', value: 'a,b' } } }))).toBe('AutoBackup.0214');
    expect(code(await call(em, 'POST', `${base}/${id}/tags`, { body: {} }))).toBe('AutoBackup.0214');
    for (let i = 0; i < 10; i++) {
      expect((await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: `k${i}`, value: 'v' } } })).status).toBe(204);
    }
    const eleventh = await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: 'k10', value: 'v' } } });
    expect(eleventh.status).toBe(400);
    expect(code(eleventh)).toBe('AutoBackup.0215');
    expect((await call(em, 'POST', `${base}/${id}/tags`, { body: { tag: { key: 'k3', value: 'changed' } } })).status).toBe(204);
    const unknown = await call(em, 'POST', `${base}/nope/tags`, { body: { tag: { key: 'k', value: 'v' } } });
    expect(unknown.status).toBe(404);
    expect(code(unknown)).toBe('AutoBackup.0205');
  });

  test('batch create/update upsert all or nothing; delete by key or key+value; 204', async () => {
    const id = await createPolicy(em);
    const action = (body: unknown) => call(em, 'POST', `${base}/${id}/tags/action`, { body });
    const r = await action({ action: 'create', tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
    expect(r.status).toBe(204);
    expect((await action({ action: 'update', tags: [{ key: 'a', value: '9' }, { key: 'c', value: '3' }] })).status).toBe(204);
    expect(await tagsOf(id)).toEqual([{ key: 'a', value: '9' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }]);
    const tooMany = await action({ action: 'create', tags: Array.from({ length: 8 }, (_, i) => ({ key: `n${i}`, value: 'v' })) });
    expect(code(tooMany)).toBe('AutoBackup.0215');
    expect(await tagsOf(id)).toHaveLength(3);
    expect((await action({ action: 'delete', tags: [{ key: 'a', value: 'wrong' }, { key: 'b' }, { key: 'missing' }] })).status).toBe(204);
    expect(await tagsOf(id)).toEqual([{ key: 'a', value: '9' }, { key: 'c', value: '3' }]);
    expect(code(await action({ action: 'Create', tags: [{ key: 'a', value: '1' }] }))).toBe('AutoBackup.0222');
    expect(code(await action({ action: 'create', tags: [] }))).toBe('AutoBackup.0214');
    expect(code(await action({ action: 'create', tags: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }))).toBe('AutoBackup.0214');
    expect(code(await action({ action: 'create', tags: [{ key: 'a' }] }))).toBe('AutoBackup.0214');
  });

  test('tenant tags list every key with its distinct values, as the policies\' tags are now', async () => {
    const a = await createPolicy(em, 'a', PROJECT, { tags: [{ key: 'team', value: 'db' }, { key: 'env', value: 'prod' }] });
    const b = await createPolicy(em, 'b', PROJECT, { tags: [{ key: 'team', value: 'web' }, { key: 'env', value: 'prod' }] });
    const tenantTags = async (): Promise<Record<string, string[]>> => {
      const r = await call(em, 'GET', `${base}/tags`);
      expect(r.status).toBe(200);
      return Object.fromEntries(r.json.tags.map((t: { key: string; values: string[] }) => [t.key, [...t.values].sort()]));
    };
    expect(await tenantTags()).toEqual({ team: ['db', 'web'], env: ['prod'] });
    // a value no policy carries any more leaves the list; a key no policy has leaves it too
    expect((await call(em, 'POST', `${base}/${a}/tags/action`, { body: { action: 'delete', tags: [{ key: 'team' }, { key: 'env' }] } })).status).toBe(204);
    expect(await tenantTags()).toEqual({ team: ['web'], env: ['prod'] });
    expect((await call(em, 'DELETE', `${base}/${b}`)).status).toBe(204);
    expect(await tenantTags()).toEqual({});
  });

  describe('query by tags', () => {
    let a: string;
    let b: string;
    let c: string;
    const query = (body: unknown) => call(em, 'POST', `${base}/resource_instances/action`, { body });
    const ids = (r: { json: { resources: { resource_id: string }[] } }) => r.json.resources.map((x) => x.resource_id).sort();
    beforeEach(async () => {
      a = await createPolicy(em, 'alpha', PROJECT, { tags: [{ key: 'team', value: 'db' }, { key: 'env', value: 'prod' }] });
      b = await createPolicy(em, 'beta', PROJECT, { tags: [{ key: 'team', value: 'web' }, { key: 'env', value: 'prod' }] });
      c = await createPolicy(em, 'gamma', PROJECT, { tags: [{ key: 'team', value: 'db' }] });
    });

    test('tags: AND across keys, OR across values; empty values means any value', async () => {
      const r = await query({ action: 'filter', tags: [{ key: 'team', values: ['db'] }, { key: 'env', values: ['prod'] }] });
      expect(r.status).toBe(200);
      expect(r.json.total_count).toBe(1);
      expect(r.json.resources[0]).toEqual({ resource_id: a, resource_name: 'alpha', resource_detail: null, tags: [{ key: 'team', value: 'db' }, { key: 'env', value: 'prod' }] });
      expect(ids(await query({ action: 'filter', tags: [{ key: 'team', values: ['db', 'web'] }] }))).toEqual([a, b, c].sort());
      expect(ids(await query({ action: 'filter', tags: [{ key: 'env', values: [] }] }))).toEqual([a, b].sort());
    });

    test('tags_any, not_tags, not_tags_any and matches', async () => {
      expect(ids(await query({ action: 'filter', tags_any: [{ key: 'team', values: ['web'] }, { key: 'env', values: ['nope'] }] }))).toEqual([b]);
      expect(ids(await query({ action: 'filter', tags: [{ key: 'team', values: [] }], not_tags: [{ key: 'team', values: ['db'] }, { key: 'env', values: ['prod'] }] }))).toEqual([b, c].sort());
      expect(ids(await query({ action: 'filter', tags: [{ key: 'team', values: [] }], not_tags_any: [{ key: 'env', values: [] }] }))).toEqual([c]);
      expect(ids(await query({ action: 'filter', matches: [{ key: 'resource_name', value: 'mm' }] }))).toEqual([c]);
    });

    test('count, limit and offset (strings)', async () => {
      const count = await query({ action: 'count', tags: [{ key: 'team', values: [] }] });
      expect(count.json).toEqual({ total_count: 3 });
      const page = await query({ action: 'filter', tags: [{ key: 'team', values: [] }], limit: '1', offset: '1' });
      expect(page.json.total_count).toBe(3);
      expect(page.json.resources).toHaveLength(1);
    });

    test('invalid queries', async () => {
      expect(code(await query({ action: 'list' }))).toBe('AutoBackup.0222');
      expect(code(await query({ action: 'filter', tags: [] }))).toBe('AutoBackup.0214');
      expect(code(await query({ action: 'filter', tags: [{ key: 'k' }] }))).toBe('AutoBackup.0214');
      expect(code(await query({ action: 'filter', tags: [{ key: 'k', values: [] }, { key: 'k', values: [] }] }))).toBe('AutoBackup.0214');
      expect(code(await query({ action: 'filter', limit: 5 }))).toBe('AutoBackup.0001');
      expect(code(await query({ action: 'filter', limit: '0' }))).toBe('AutoBackup.0001');
      expect(code(await query({ action: 'filter', matches: [{ key: 'name', value: 'x' }] }))).toBe('AutoBackup.0001');
    });
  });

  test('routing: literal tags and resource_instances are not policy ids', async () => {
    expect(code(await call(em, 'PUT', `${base}/tags`, { body: { backup_policy_name: 'x' } }))).toBe('APIGW.0101');
    expect(code(await call(em, 'GET', `${base}/resource_instances/action`))).toBe('APIGW.0101');
  });
});
