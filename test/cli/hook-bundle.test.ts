/**
 * The bundled hook executor (scripts/bundle-hook.js) is a plain esbuild bundle of the CLI: a hook
 * run through it uses node's own http (the client's node-http transport), loads neither undici
 * nor node:crypto for a token, and leaves nothing behind on the machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Credentials, VbsClient } from '../../src/client';
import { startEmulator, Emulator } from '../../src/emulator';
import { PROJECT_ID, TOKEN, buildCli, emulatorEnv, runCli } from './support';

let emulator: Emulator;
let policyId: string;
let dir: string;

beforeAll(async () => {
  buildCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-hook-bundle-'));
  emulator = await startEmulator({ tokens: [TOKEN], jobSeconds: 0 });
  const client = new VbsClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) });
  policyId = await client.createPolicy({
    backup_policy_name: 'bundle', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 2, status: 'ON', remain_first_backup_of_curMonth: 'N' },
  });
  await client.close();
});
afterAll(async () => {
  await emulator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A --require preload that writes node's own record of loaded modules (process.moduleLoadList) at exit. */
function nativeRecorder(name: string): { nodeArgs: string[]; modules: () => string[] } {
  const out = path.join(dir, `${name}.txt`);
  const file = path.join(dir, `${name}.js`);
  fs.writeFileSync(file, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, process.moduleLoadList.join('\\n')));`);
  return { nodeArgs: ['--require', file], modules: () => fs.readFileSync(out, 'utf8').split('\n') };
}

test('the bundle is one plain CommonJS file: no undici, emulator or framework inside', () => {
  const text = fs.readFileSync(buildCli().hook, 'utf8');
  expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
  // undici is referred to only by the undici transport's lazy require, which the CLI never reaches.
  expect(text.match(/require\("undici"\)/g)).toHaveLength(1);
  expect(text).not.toMatch(/\bllhttp\b|class \w*Dispatcher\b/);
  expect(text).not.toMatch(/require\("(cdktf|constructs)"\)/);
  expect(text).not.toMatch(/node:vm|node:v8/);
});

test('an execute through the bundle uses node:http, and loads neither undici nor node:crypto with a token', async () => {
  const rec = nativeRecorder('execute');
  const tmp = fs.mkdtempSync(path.join(dir, 'tmp-'));
  const r = await runCli(['execute', '--policy-id', policyId], emulatorEnv(emulator.url, { TMPDIR: tmp }), { script: buildCli().hook, nodeArgs: rec.nodeArgs });
  expect(r.stderr).toContain(`started a backup run of policy bundle (id ${policyId})`);
  expect(r.code).toBe(0);
  const modules = rec.modules();
  expect(modules).toEqual(expect.arrayContaining(['NativeModule http', 'NativeModule _http_client']));
  expect(modules.filter((m) => /^NativeModule (crypto|https|tls|http2|vm|v8)$/.test(m))).toEqual([]);
  // Nothing written to the temp folder (no cache, no state).
  expect(fs.readdirSync(tmp)).toEqual([]);
});

test('AK/SK signing through the bundle loads node:crypto when it needs it', async () => {
  const signed = await startEmulator({ accessKeys: [{ accessKey: 'BUNDLEAK', secretKey: 'BUNDLE-SECRET-KEY' }], projectIds: [PROJECT_ID], jobSeconds: 0 });
  try {
    const env = emulatorEnv(signed.url, { HW_AUTH_TOKEN: undefined, HW_ACCESS_KEY: 'BUNDLEAK', HW_SECRET_KEY: 'BUNDLE-SECRET-KEY' });
    const rec = nativeRecorder('signed');
    const r = await runCli(['policies'], env, { script: buildCli().hook, nodeArgs: rec.nodeArgs });
    expect(r.stderr).toContain(`in project ${PROJECT_ID}`);
    expect(r.code).toBe(0);
    expect(rec.modules()).toContain('NativeModule crypto');
  } finally {
    await signed.stop();
  }
});
