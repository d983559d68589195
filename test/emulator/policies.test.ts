import { Emulator, startEmulator } from '../../src/emulator';
import { OTHER_PROJECT, PROJECT, associate, call, code, createPolicy, policyBody, emulatorPerTest } from './helpers';

describe('emulator: policies and volumes', () => {
  let em: Emulator;
  emulatorPerTest((e) => (em = e), { maxPolicies: 4 });

  const base = `/v2/${PROJECT}/backuppolicy`;

  test('a new project lists only its default policy, which is OFF', async () => {
    const r = await call(em, 'GET', base);
    expect(r.status).toBe(200);
    expect(r.json.backup_policies).toHaveLength(1);
    const def = r.json.backup_policies[0];
    expect(def.backup_policy_name).toMatch(/^default/);
    expect(def.scheduled_policy.status).toBe('OFF');
    expect(def.policy_resource_count).toBe(0);
  });

  test('create returns 200 with the id; the list shows it with its schedule', async () => {
    const r = await call(em, 'POST', base, { body: policyBody('nightly-db', { time_zone: 'UTC+08:00' }) });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['backup_policy_id']);
    expect(r.json.backup_policy_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const list = await call(em, 'GET', base);
    const p = list.json.backup_policies.find((x: { backup_policy_id: string }) => x.backup_policy_id === r.json.backup_policy_id);
    expect(p).toEqual({
      backup_policy_id: r.json.backup_policy_id,
      backup_policy_name: 'nightly-db',
      scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
      policy_resource_count: 0,
      time_zone: 'UTC+08:00',
    });
  });

  test('create with tags stores them; names need not be unique', async () => {
    const a = await createPolicy(em, 'same', PROJECT, { tags: [{ key: 'team', value: 'db' }] });
    const b = await createPolicy(em, 'same');
    expect(a).not.toBe(b);
    expect(em.policies(PROJECT).find((p) => p.backup_policy_id === a)?.tags).toEqual([{ key: 'team', value: 'db' }]);
  });

  test.each([
    ['name missing', 'AutoBackup.0101', { backup_policy_name: undefined }],
    ['name too long', 'AutoBackup.0101', { backup_policy_name: 'x'.repeat(65) }],
    ['name with a space', 'AutoBackup.0102', { backup_policy_name: 'a b' }],
    ['name starting with default', 'AutoBackup.0102', { backup_policy_name: 'Default-x' }],
    ['scheduled_policy missing', 'AutoBackup.0001', { scheduled_policy: undefined }],
    ['start time not whole hour', 'AutoBackup.0103', { scheduled_policy: { start_time: '02:30', frequency: 1, rentention_num: 7, status: 'ON' } }],
    ['start time repeated', 'AutoBackup.0103', { scheduled_policy: { start_time: '02:00,02:00', frequency: 1, rentention_num: 7, status: 'ON' } }],
    ['status invalid', 'AutoBackup.0104', { scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, status: 'on' } }],
    ['retain first invalid', 'AutoBackup.0105', { scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, status: 'ON', remain_first_backup_of_curMonth: 'yes' } }],
    ['frequency 15', 'AutoBackup.0106', { scheduled_policy: { start_time: '02:00', frequency: 15, rentention_num: 7, status: 'ON' } }],
    ['no period', 'AutoBackup.0106', { scheduled_policy: { start_time: '02:00', rentention_num: 7, status: 'ON' } }],
    ['bad weekday', 'AutoBackup.0106', { scheduled_policy: { start_time: '02:00', week_frequency: ['MON', 'FUN'], rentention_num: 7, status: 'ON' } }],
    ['retention 1', 'AutoBackup.0107', { scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 1, status: 'ON' } }],
    ['retention 100', 'AutoBackup.0107', { scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 100, status: 'ON' } }],
    ['no retention', 'AutoBackup.0107', { scheduled_policy: { start_time: '02:00', frequency: 1, status: 'ON' } }],
    ['bad time zone', 'AutoBackup.0226', { time_zone: 'GMT+8' }],
    ['11 tags', 'AutoBackup.0215', { tags: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }],
    ['bad tag key', 'AutoBackup.0214', { tags: [{ key: 'a/b', value: 'v' }] }],
  ])('create refuses %s with 400 %s', async (_what, expected, patch) => {
    const r = await call(em, 'POST', base, { body: { ...policyBody(), ...patch } });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(expected);
    expect(typeof r.json.error.message).toBe('string');
  });

  test('week_frequency and rentention_day are accepted; a fractional day count is truncated', async () => {
    const id = await createPolicy(em, 'weekly', PROJECT, {
      scheduled_policy: { start_time: '22:00,02:00', week_frequency: ['SUN', 'WED'], rentention_day: 30.7, status: 'ON', remain_first_backup_of_curMonth: 'Y' },
    });
    const p = em.policies(PROJECT).find((x) => x.backup_policy_id === id);
    expect(p?.scheduled_policy).toEqual({ start_time: '22:00,02:00', week_frequency: ['SUN', 'WED'], rentention_day: 30, status: 'ON', remain_first_backup_of_curMonth: 'Y' });
  });

  test('quota: the default policy counts; over it 400 AutoBackup.0203', async () => {
    for (let i = 0; i < 3; i++) await createPolicy(em, `p${i}`);
    const r = await call(em, 'POST', base, { body: policyBody('one-too-many') });
    expect(r.status).toBe(400);
    expect(code(r)).toBe('AutoBackup.0203');
  });

  test('modify: 200 with the id; partial updates keep the rest; period and retention swap', async () => {
    const id = await createPolicy(em);
    const r = await call(em, 'PUT', `${base}/${id}`, { body: { scheduled_policy: { status: 'OFF' } } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ backup_policy_id: id });
    await call(em, 'PUT', `${base}/${id}`, { body: { backup_policy_name: 'renamed', scheduled_policy: { week_frequency: ['MON'], rentention_day: 10 } } });
    const p = em.policies(PROJECT).find((x) => x.backup_policy_id === id);
    expect(p?.backup_policy_name).toBe('renamed');
    expect(p?.scheduled_policy).toEqual({ start_time: '02:00', week_frequency: ['MON'], rentention_day: 10, remain_first_backup_of_curMonth: 'N', status: 'OFF' });
  });

  test('modify refuses tags, invalid values and unknown ids', async () => {
    const id = await createPolicy(em);
    expect(code(await call(em, 'PUT', `${base}/${id}`, { body: { tags: [] } }))).toBe('AutoBackup.0214');
    expect(code(await call(em, 'PUT', `${base}/${id}`, { body: { scheduled_policy: { frequency: 0 } } }))).toBe('AutoBackup.0106');
    expect(code(await call(em, 'PUT', `${base}/${id}`, { body: { backup_policy_name: 'default2' } }))).toBe('AutoBackup.0102');
    const missing = await call(em, 'PUT', `${base}/00000000-0000-0000-0000-000000000000`, { body: { scheduled_policy: { status: 'ON' } } });
    expect(missing.status).toBe(404);
    expect(code(missing)).toBe('AutoBackup.0205');
  });

  test('the default policy cannot be modified or deleted: 403 AutoBackup.0100', async () => {
    const def = em.policies(PROJECT)[0] ?? (await call(em, 'GET', base)).json.backup_policies[0];
    const id = def.backup_policy_id;
    const put = await call(em, 'PUT', `${base}/${id}`, { body: { scheduled_policy: { status: 'ON' } } });
    expect(put.status).toBe(403);
    expect(code(put)).toBe('AutoBackup.0100');
    const del = await call(em, 'DELETE', `${base}/${id}`);
    expect(del.status).toBe(403);
    expect(code(del)).toBe('AutoBackup.0100');
  });

  test('delete: 204 with no body, then 404 AutoBackup.0205', async () => {
    const id = await createPolicy(em);
    const r = await call(em, 'DELETE', `${base}/${id}`);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    const again = await call(em, 'DELETE', `${base}/${id}`);
    expect(again.status).toBe(404);
    expect(code(again)).toBe('AutoBackup.0205');
  });

  test('projects are isolated', async () => {
    const id = await createPolicy(em, 'mine', PROJECT);
    const other = await call(em, 'GET', `/v2/${OTHER_PROJECT}/backuppolicy`);
    expect(other.json.backup_policies.map((p: { backup_policy_id: string }) => p.backup_policy_id)).not.toContain(id);
    const del = await call(em, 'DELETE', `/v2/${OTHER_PROJECT}/backuppolicy/${id}`);
    expect(del.status).toBe(404);
    expect(em.policies(PROJECT).some((p) => p.backup_policy_id === id)).toBe(true);
  });

  test('associate: 200 with success items; a volume moves from its previous policy', async () => {
    const a = await createPolicy(em, 'a');
    const b = await createPolicy(em, 'b');
    const r = await associate(em, a, ['vol-1', 'vol-2']);
    expect(r.status).toBe(200);
    expect(r.json.success_resources.map((x: { resource_id: string }) => x.resource_id)).toEqual(['vol-1', 'vol-2']);
    expect(r.json.success_resources[0]).toMatchObject({ resource_type: 'volume', availability_zone: expect.any(String), os_vol_host_attr: expect.any(String) });
    expect(r.json.fail_resources).toEqual([]);
    await associate(em, b, ['vol-2']);
    const byId = new Map(em.policies(PROJECT).map((p) => [p.backup_policy_id, p]));
    expect(byId.get(a)?.volume_ids).toEqual(['vol-1']);
    expect(byId.get(b)?.volume_ids).toEqual(['vol-2']);
    const list = await call(em, 'GET', base);
    expect(list.json.backup_policies.find((p: { backup_policy_id: string }) => p.backup_policy_id === a).policy_resource_count).toBe(1);
  });

  test('associate errors: missing policy id, unknown policy, empty resources, bad items', async () => {
    const a = await createPolicy(em);
    const url = `/v2/${PROJECT}/backuppolicyresources`;
    expect(code(await call(em, 'POST', url, { body: { resources: [{ resource_id: 'v', resource_type: 'volume' }] } }))).toBe('AutoBackup.0006');
    const unknown = await call(em, 'POST', url, { body: { backup_policy_id: 'nope', resources: [{ resource_id: 'v', resource_type: 'volume' }] } });
    expect(unknown.status).toBe(404);
    expect(code(unknown)).toBe('AutoBackup.0205');
    expect(code(await call(em, 'POST', url, { body: { backup_policy_id: a, resources: [] } }))).toBe('AutoBackup.0207');
    expect(code(await call(em, 'POST', url, { body: { backup_policy_id: a, resources: [{ resource_type: 'volume' }] } }))).toBe('AutoBackup.0209');
    const mixed = await call(em, 'POST', url, {
      body: { backup_policy_id: a, resources: [{ resource_id: 'ok', resource_type: 'volume' }, { resource_id: 'x', resource_type: 'image' }, { resource_id: '../etc', resource_type: 'volume' }] },
    });
    expect(mixed.status).toBe(200);
    expect(mixed.json.success_resources.map((x: { resource_id: string }) => x.resource_id)).toEqual(['ok']);
    expect(mixed.json.fail_resources.map((x: { code: string }) => x.code)).toEqual(['AutoBackup.0211', 'AutoBackup.1400']);
  });

  test('disassociate: 200; volumes not in the policy are failures', async () => {
    const a = await createPolicy(em);
    await associate(em, a, ['vol-1', 'vol-2']);
    const r = await call(em, 'POST', `/v2/${PROJECT}/backuppolicyresources/${a}/deleted_resources`, { body: { resources: [{ resource_id: 'vol-1' }, { resource_id: 'vol-9' }] } });
    expect(r.status).toBe(200);
    expect(r.json.success_resources).toEqual([{ resource_id: 'vol-1' }]);
    expect(r.json.fail_resources).toEqual([expect.objectContaining({ resource_id: 'vol-9', code: 'AutoBackup.1400' })]);
    expect(em.policies(PROJECT).find((p) => p.backup_policy_id === a)?.volume_ids).toEqual(['vol-2']);
    const unknown = await call(em, 'POST', `/v2/${PROJECT}/backuppolicyresources/nope/deleted_resources`, { body: { resources: [{ resource_id: 'vol-1' }] } });
    expect(unknown.status).toBe(404);
    expect(code(await call(em, 'POST', `/v2/${PROJECT}/backuppolicyresources/${a}/deleted_resources`, { body: { resources: [] } }))).toBe('AutoBackup.0207');
  });

  test('projectIds are seeded at start; unknown projects have no snapshot until used', async () => {
    const seeded = await startEmulator({ projectIds: [OTHER_PROJECT] });
    try {
      expect(seeded.policies(OTHER_PROJECT)).toHaveLength(1);
      expect(seeded.policies(PROJECT)).toEqual([]);
    } finally {
      await seeded.stop();
    }
  });
});
