/**
 * CBR in the emulator's shared parts: the state file (round trip, old files without CBR data,
 * corrupt CBR data), seeded vaults, reset, per-project isolation and authentication (token,
 * AK/SK, password login) on CBR routes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emulator, startEmulator } from '../../src/emulator';
import { OTHER_PROJECT, PROJECT, call, signedCall } from './helpers';
import { cbrCode, checkpoint, createCbrPolicy, createVault, v3 } from './cbr-support';

describe('emulator: CBR state, projects and auth', () => {
  const running: Emulator[] = [];
  const start = async (options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> => {
    const em = await startEmulator({ jobSeconds: 0, ...options });
    running.push(em);
    return em;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((em) => em.stop()));
  });

  describe('state file', () => {
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'cbr-emulator-'));
      file = join(dir, 'state.json');
    });
    afterEach(async () => {
      // Stopped first: a stopping emulator writes its state file.
      await Promise.all(running.splice(0).map((em) => em.stop()));
      rmSync(dir, { recursive: true, force: true });
    });

    test('vaults, policies, checkpoints, backups and tasks survive a restart, and a running backup is still running', async () => {
      const first = await start({ stateFile: file });
      const { id, disks } = await createVault(first);
      const policy = await createCbrPolicy(first);
      await call(first, 'POST', v3(`/vaults/${id}/associatepolicy`), { body: { policy_id: policy } });
      const done = (await checkpoint(first, id, { name: 'before-restart' })).json.checkpoint;
      first.startScheduledRun({ projectId: PROJECT, vaultId: id, jobSeconds: 120 });
      const snapshot = async (em: Emulator) => ({
        vault: (await call(em, 'GET', v3(`/vaults/${id}`))).json,
        policies: (await call(em, 'GET', v3('/policies'))).json,
        checkpoint: (await call(em, 'GET', v3(`/checkpoints/${done.id}`))).json,
        backups: (await call(em, 'GET', v3('/backups'))).json,
        tasks: (await call(em, 'GET', v3('/operation-logs'))).json,
      });
      const before = await snapshot(first);
      await first.stop();
      expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).cbr)).toEqual([PROJECT]);
      const second = await start({ stateFile: file });
      expect(await snapshot(second)).toEqual(before);
      expect(before.backups.count).toBe(4);
      const busy = await checkpoint(second, id);
      expect(cbrCode(busy)).toEqual([400, 'BackupService.6125']);
      expect(busy.json.error_msg).toContain(disks[0]);
    });

    test('a state file written before CBR (no "cbr" key) still loads; CBR starts empty', async () => {
      const policyId = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';
      writeFileSync(file, JSON.stringify({
        format: 'cdktf-vbs-backup-emulator-state', version: 1, savedAt: '2026-01-01T00:00:00.000Z',
        projects: { [PROJECT]: [{ id: policyId, name: 'old', scheduled: { start_time: '02:00', frequency: 1, rentention_num: 7, status: 'ON' }, isDefault: false, volumes: ['vol-1'], tags: [], jobs: [] }] },
        issuedTokens: [],
      }));
      const em = await start({ stateFile: file });
      expect(em.policies(PROJECT).map((p) => [p.backup_policy_id, p.volume_ids])).toEqual([[policyId, ['vol-1']]]);
      expect((await call(em, 'GET', v3('/vaults'))).json.count).toBe(0);
      await createVault(em);
      await em.stop();
      expect(JSON.parse(readFileSync(file, 'utf8')).cbr[PROJECT].vaults).toHaveLength(1);
    });

    test.each([
      ['cbr not an object', []],
      ['vaults missing', { [PROJECT]: { policies: [], checkpoints: [], backups: [], tasks: [] } }],
      ['a backup without times', { [PROJECT]: { vaults: [], policies: [], checkpoints: [], tasks: [], backups: [{ id: 'b', resourceId: 'r', vaultId: 'v', checkpointId: 'c' }] } }],
    ])('corrupt CBR data (%s) makes the start fail and leaves the file unchanged', async (_name, cbr) => {
      const text = JSON.stringify({ format: 'cdktf-vbs-backup-emulator-state', version: 1, savedAt: '', projects: {}, issuedTokens: [], cbr });
      writeFileSync(file, text);
      await expect(start({ stateFile: file })).rejects.toThrow(/is not valid: .*cbr.*left unchanged/);
      expect(readFileSync(file, 'utf8')).toBe(text);
    });

    test('a seeded vault is made once: a restart with the same seed and state file does not duplicate it', async () => {
      const seed = { name: 'demo', resourceIds: [randomUUID()], projectId: PROJECT };
      const first = await start({ stateFile: file, vaults: [seed] });
      const id = first.vaults(PROJECT)[0].id;
      await first.stop();
      const second = await start({ stateFile: file, vaults: [seed] });
      expect(second.vaults(PROJECT).map((v) => v.id)).toEqual([id]);
    });

    test('a seed whose disk the state file holds in another vault is skipped, not an error', async () => {
      const first = await start({ stateFile: file });
      const { disks } = await createVault(first, 'mine');
      await first.stop();
      const second = await start({ stateFile: file, vaults: [{ name: 'demo', resourceIds: [disks[0]], projectId: PROJECT }] });
      expect(second.vaults(PROJECT).map((v) => v.name)).toEqual(['mine']);
    });
  });

  describe('seeded vaults', () => {
    test('a seed without a project appears in every project on first use; reset makes it again; bad seeds are refused', async () => {
      const disk = randomUUID();
      const em = await start({ vaults: [{ name: 'demo', resourceIds: [disk] }] });
      for (const project of [PROJECT, OTHER_PROJECT]) {
        const list = (await call(em, 'GET', v3('/vaults?name=demo', project))).json.vaults;
        expect(list.map((v: { name: string; billing: { object_type: string }; resources: { id: string }[] }) => [v.name, v.billing.object_type, v.resources.map((r) => r.id)]))
          .toEqual([['demo', 'disk', [disk]]]);
      }
      const before = em.vaults(PROJECT)[0].id;
      await call(em, 'DELETE', v3(`/vaults/${before}`));
      em.reset();
      const again = (await call(em, 'GET', v3('/vaults'))).json.vaults;
      expect(again.map((v: { name: string }) => v.name)).toEqual(['demo']);
      expect(again[0].id).not.toBe(before);
      await expect(startEmulator({ vaults: [{ name: 'x', resourceIds: ['vol-1'] }] })).rejects.toThrow(/is not a UUID/);
      await expect(startEmulator({ vaults: [{ name: '', resourceIds: [disk] }] })).rejects.toThrow(/name must be 1-64/);
      await expect(startEmulator({ vaults: [{ name: 'a', resourceIds: [disk] }, { name: 'b', resourceIds: [disk] }] })).rejects.toThrow(/already in seeded vault "a"/);
      await expect(startEmulator({ cbrAllBusy: '0003' as never })).rejects.toThrow(/cbrAllBusy must be one of/);
    });
  });

  describe('projects', () => {
    test('each project sees only its own vaults, checkpoints, backups, policies and tasks', async () => {
      const em = await start();
      const mine = await createVault(em, 'mine');
      const c = (await checkpoint(em, mine.id)).json.checkpoint;
      const policy = await createCbrPolicy(em);
      const backup = (await call(em, 'GET', v3('/backups'))).json.backups[0];
      const task = (await call(em, 'GET', v3('/operation-logs'))).json.operation_logs[0];
      const other = (path: string) => call(em, 'GET', v3(path, OTHER_PROJECT));
      expect((await other('/vaults')).json.count).toBe(0);
      expect((await other('/backups')).json.count).toBe(0);
      expect((await other('/policies')).json.count).toBe(0);
      expect((await other('/operation-logs')).json.count).toBe(0);
      expect(cbrCode(await other(`/vaults/${mine.id}`))).toEqual([404, 'BackupService.6105']);
      expect(cbrCode(await other(`/checkpoints/${c.id}`))).toEqual([404, 'BackupService.6217']);
      expect(cbrCode(await other(`/backups/${backup.id}`))).toEqual([404, 'BackupService.6200']);
      expect(cbrCode(await other(`/policies/${policy}`))).toEqual([404, 'BackupService.6000']);
      expect(cbrCode(await other(`/operation-logs/${task.id}`))).toEqual([404, 'BackupService.6500']);
      expect(cbrCode(await checkpoint(em, mine.id, undefined, OTHER_PROJECT))).toEqual([404, 'BackupService.6105']);
      // The same disk may be in a vault of another project.
      expect((await createVault(em, 'theirs', mine.disks, OTHER_PROJECT)).disks).toEqual(mine.disks);
    });
  });

  describe('auth', () => {
    const AK = 'CBRTESTACCESSKEY';
    const SK = 'cbr-test-secret';

    test('tokens: none is 401 APIGW.0301, unknown 401, another project\'s 403 APIGW.0302; AK/SK signatures are checked; password-login tokens work', async () => {
      const em = await start({
        tokens: [{ token: 'scoped', projectId: PROJECT }],
        accessKeys: [{ accessKey: AK, secretKey: SK, projectId: PROJECT }],
        users: [{ userName: 'alice', password: 'pw', domainName: 'acme' }],
      });
      expect(cbrCode(await call(em, 'GET', v3('/vaults'), { token: null }))).toEqual([401, 'APIGW.0301']);
      expect(cbrCode(await call(em, 'GET', v3('/vaults'), { token: 'nope' }))).toEqual([401, 'APIGW.0301']);
      expect((await call(em, 'GET', v3('/vaults'), { token: 'scoped' })).status).toBe(200);
      expect(cbrCode(await call(em, 'GET', v3('/vaults', OTHER_PROJECT), { token: 'scoped' }))).toEqual([403, 'APIGW.0302']);
      const body = { vault: { name: 'signed', resources: [], billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 40 } } };
      const signed = await signedCall(em, 'POST', v3('/vaults'), AK, SK, { body });
      expect(signed.status).toBe(200);
      expect((await signedCall(em, 'GET', v3('/backups?status=available&status=error&sort=name:asc'), AK, SK)).status).toBe(200);
      const tampered = await signedCall(em, 'POST', v3('/vaults'), AK, SK, { body, tamper: (h) => { h['X-Sdk-Date'] = '20200101T000000Z'; } });
      expect(cbrCode(tampered)).toEqual([401, 'APIGW.0303']);
      const login = await call(em, 'POST', '/v3/auth/tokens', {
        token: null,
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'pw', domain: { name: 'acme' } } } }, scope: { project: { id: PROJECT } } } },
      });
      expect(login.status).toBe(201);
      const issued = login.headers.get('x-subject-token') as string;
      const vaults = await call(em, 'GET', v3('/vaults'), { token: issued });
      expect([vaults.status, vaults.json.vaults.map((v: { name: string }) => v.name)]).toEqual([200, ['signed']]);
      expect(em.requests({ operation: 'createVault' }).map((r) => r.status)).toEqual([200, 401]);
    });
  });
});
