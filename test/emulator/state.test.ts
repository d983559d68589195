import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT, TOKEN, associate, call, createPolicy } from './helpers';

describe('emulator: state file', () => {
  let dir: string;
  let file: string;
  const running: Emulator[] = [];
  const start = async (extra = {}) => {
    const em = await startEmulator({ stateFile: file, jobSeconds: 0, users: [{ userName: 'u', password: 'secret-pw', domainName: 'd' }], tokens: ['static-token', TOKEN], ...extra });
    running.push(em);
    return em;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vbs-emulator-'));
    file = join(dir, 'state.json');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((em) => em.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('policies, volumes, tags, jobs and issued tokens survive a restart', async () => {
    const first = await start();
    const id = await createPolicy(first, 'kept', PROJECT, { tags: [{ key: 'team', value: 'db' }] });
    await associate(first, id, ['vol-1']);
    expect((await call(first, 'POST', `/v2/${PROJECT}/backuppolicy/${id}/action`, { token: 'static-token' })).status).toBe(204);
    const login = await call(first, 'POST', '/v3/auth/tokens', {
      token: null,
      body: { auth: { identity: { methods: ['password'], password: { user: { name: 'u', password: 'secret-pw', domain: { name: 'd' } } } }, scope: { project: { id: PROJECT } } } },
    });
    const issued = login.headers.get('x-subject-token') as string;
    const before = first.policies(PROJECT);
    const jobsBefore = first.jobs(PROJECT, id);
    await first.stop();

    const second = await start();
    expect(second.policies(PROJECT)).toEqual(before);
    expect(second.jobs(PROJECT, id)).toEqual(jobsBefore);
    expect((await call(second, 'GET', `/v2/${PROJECT}/backuppolicy`, { token: issued })).status).toBe(200);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(issued);
    expect(text).not.toContain('static-token');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('secret-pw');
  });

  test('each change is on disk before the response; no temp files are left behind', async () => {
    const em = await start();
    const id = await createPolicy(em, 'on-disk');
    expect(readFileSync(file, 'utf8')).toContain(id);
    await call(em, 'DELETE', `/v2/${PROJECT}/backuppolicy/${id}`, { token: 'static-token' });
    expect(readFileSync(file, 'utf8')).not.toContain(id);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  test('reset is persisted too', async () => {
    const em = await start();
    const id = await createPolicy(em, 'gone');
    em.reset();
    expect(readFileSync(file, 'utf8')).not.toContain(id);
  });

  test.each([
    ['not JSON', '{"format": "cdktf-vbs-backup-emulator-state", '],
    ['another format', JSON.stringify({ format: 'other', version: 1, projects: {}, issuedTokens: [] })],
    ['a bad policy', JSON.stringify({ format: 'cdktf-vbs-backup-emulator-state', version: 1, savedAt: '', projects: { p: [{ id: 1 }] }, issuedTokens: [] })],
    ['a bad token', JSON.stringify({ format: 'cdktf-vbs-backup-emulator-state', version: 1, savedAt: '', projects: {}, issuedTokens: [{ hash: 'x' }] })],
  ])('a corrupt file (%s) makes start fail clearly and is left unchanged', async (_what, content) => {
    writeFileSync(file, content);
    await expect(start()).rejects.toThrow(new RegExp(`state file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid: .+left unchanged`));
    expect(readFileSync(file, 'utf8')).toBe(content);
  });
});
