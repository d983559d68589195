/**
 * The hook path never loads cdktf or constructs (README "Performance": hook cold start), and
 * loads the emulator only for the emulator command.
 */
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Credentials, VbsClient } from '../../src/client';
import { startEmulator, Emulator } from '../../src/emulator';
import { PACKAGE_VERSION, PROJECT_ID, TOKEN, buildCli, emulatorEnv, runCli } from './support';

const FORBIDDEN = /require\((["'`])(cdktf|cdktn|constructs|@cdktf\/[^"'`]*)\1\)/;

let emulator: Emulator;
let policyId: string;
let dir: string;

/** A preload that records every module request of the process into a file. */
function recorder(): { nodeArgs: string[]; log: string; loaded: () => string[] } {
  const log = path.join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
  const preload = path.join(dir, 'record-loads.js');
  fs.writeFileSync(preload, `
    const Module = require('module');
    const fs = require('fs');
    const original = Module._load;
    Module._load = function (request, parent, isMain) {
      fs.appendFileSync(process.env.LOAD_LOG, request + '\\n');
      return original.apply(this, arguments);
    };
  `);
  return {
    nodeArgs: ['--require', preload],
    log,
    loaded: () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

beforeAll(async () => {
  buildCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-cold-'));
  emulator = await startEmulator({ tokens: [TOKEN], jobSeconds: 0 });
  const client = new VbsClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) });
  policyId = await client.createPolicy({
    backup_policy_name: 'cold', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 2, status: 'ON', remain_first_backup_of_curMonth: 'N' },
  });
  await client.close();
});
afterAll(async () => {
  await emulator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the hook bundle is self-contained and requires none of cdktf, cdktn, constructs', () => {
  const text = fs.readFileSync(buildCli().hook, 'utf8');
  expect(text).not.toMatch(FORBIDDEN);
  // The only bare requires left are node built-ins, the lazy emulator (the emulator command) and
  // undici (the undici transport, which the CLI never creates: it runs from a folder without
  // node_modules, below). The CBR client and the vault hook are inside.
  const bare = [...text.matchAll(/require\((["'])([^"']+)\1\)/g)].map((m) => m[2]);
  const allowed = ['../emulator', 'undici'];
  expect(bare.filter((id) => !allowed.includes(id) && !isBuiltin(id) && !id.startsWith('node:'))).toEqual([]);
  expect(text).toContain('hook-backup');
});

test('the built package bundle (lib/hook, from npm run build) has no cdktf, cdktn or constructs require', () => {
  const built = path.resolve(__dirname, '..', '..', 'lib', 'hook', 'vbs-backup-hook.js');
  expect(fs.existsSync(built)).toBe(true); // npm test builds first
  expect(fs.readFileSync(built, 'utf8')).not.toMatch(FORBIDDEN);
});

test('execute through lib/cli/bin.js loads the client but never cdktf, cdktn, constructs, the emulator or undici', async () => {
  const rec = recorder();
  const r = await runCli(['execute', '--policy-id', policyId], { ...emulatorEnv(emulator.url), LOAD_LOG: rec.log }, { nodeArgs: rec.nodeArgs });
  expect(r.code).toBe(0);
  const loaded = rec.loaded();
  expect(loaded).toEqual(expect.arrayContaining(['./main', './execute', '../client/client', './transport-node', 'node:http']));
  expect(loaded.filter((m) => /^(cdktf|cdktn|constructs|@cdktf\/)/.test(m))).toEqual([]);
  expect(loaded.filter((m) => m.includes('emulator'))).toEqual([]);
  expect(loaded.filter((m) => m.includes('undici'))).toEqual([]);
});

test('--help loads neither the client nor undici', async () => {
  const rec = recorder();
  const r = await runCli(['--help'], { PATH: process.env.PATH ?? '', LOAD_LOG: rec.log }, { nodeArgs: rec.nodeArgs });
  expect(r.code).toBe(0);
  const loaded = rec.loaded();
  expect(loaded.filter((m) => m.includes('client') || m === 'undici')).toEqual([]);
});

test('the bundle runs a hook on its own, from a folder without node_modules', async () => {
  const alone = path.join(dir, 'assets');
  fs.mkdirSync(alone, { recursive: true });
  const copy = path.join(alone, 'vbs-backup-hook.js');
  fs.copyFileSync(buildCli().hook, copy);
  const before = emulator.executeCount(policyId);
  const r = await runCli(['hook-trigger'], emulatorEnv(emulator.url, { VBS_HOOK_POLICY_ID: policyId }), { script: copy });
  expect(r.stderr).toContain(`started a backup run of policy cold (id ${policyId})`);
  expect(r.code).toBe(0);
  expect(emulator.executeCount(policyId)).toBe(before + 1);
  const version = await runCli(['--version'], { PATH: process.env.PATH ?? '' }, { script: copy });
  expect(version.stdout.trim()).toBe(PACKAGE_VERSION);
});
