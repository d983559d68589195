import { spawn, ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { run } from '../../src/cli/cmd-emulator';
import { RedactingIo } from '../../src/cli/runtime';
import { formatSdkDate, sign } from '../../src/client/signer';
import { PROJECT_ID, baseEnv, buildCli, emulatorEnv, runCli } from './support';

/** Starts `vbs-backup emulator ...` and resolves with its first stdout line. */
function startEmulatorProcess(args: string[]): Promise<{ child: ChildProcess; firstLine: string; output: () => string }> {
  const child = spawn(process.execPath, [buildCli().bin, 'emulator', ...args], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no first line within 10 s; stderr: ${stderr}`)); }, 10000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const had = stdout.includes('\n');
      stdout += d;
      if (!had && stdout.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, firstLine: stdout.split('\n')[0], output: () => stdout + stderr });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator exited early with ${code}: ${stderr}`)); });
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** `vbs-backup emulator ARGS` run in this process (as its command function): its URL once listening, its stderr so far, the signals that stop it, and its exit code. */
async function runInProcess(args: string[]): Promise<{ base: string; stderr: () => string; signals: EventEmitter; done: Promise<number> }> {
  let stderr = '';
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => { listening = resolve; });
  const io = new RedactingIo({}, (t) => { if (t.startsWith('listening on ')) listening(t.trim().slice('listening on '.length)); }, (t) => { stderr += t; });
  const signals = new EventEmitter();
  const done = run(args, io, signals);
  return { base: await url, stderr: () => stderr, signals, done };
}

describe('vbs-backup emulator', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('prints "listening on" first, serves the API, stops on %s with exit 0', async (sig) => {
    const token = 'emulator-cli-token-secret-42';
    const { child, firstLine, output } = await startEmulatorProcess(['--port', '0', '--token', token, '--job-seconds', '0', '--project-id', PROJECT_ID]);
    try {
      expect(firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = firstLine.replace('listening on ', '');
      expect(Number(new URL(url).port)).toBeGreaterThan(0);
      const r = await runCli(['policies', '--json'], emulatorEnv(url, { HW_AUTH_TOKEN: token }));
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).policies.length).toBeGreaterThanOrEqual(1); // the default policy
      const denied = await runCli(['policies'], emulatorEnv(url, { HW_AUTH_TOKEN: 'wrong-token-0000' }));
      expect(denied.code).toBe(1);
      child.kill(sig);
      expect(await exitOf(child)).toEqual({ code: 0, signal: null });
      expect(output()).toContain(`${sig}: stopping the emulator`);
      expect(output()).not.toContain(token);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a port in use is a runtime failure (exit 1) that names the address', async () => {
    const { child, firstLine } = await startEmulatorProcess(['--port', '0']);
    try {
      const port = new URL(firstLine.replace('listening on ', '')).port;
      const r = await runCli(['emulator', '--port', port], baseEnv());
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: cannot start the emulator on 127.0.0.1:${port}`);
    } finally {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  });

  test('with --project-id, --token and --access-key act on that project only (403 APIGW.0302 elsewhere); /__emulator/ lists the control calls', async () => {
    const token = 'scoped-cli-token-0123456789';
    const [accessKey, secretKey] = ['CLIEMULATORAK', 'cli-emulator-secret'];
    const other = '17fbda95add24720a4038ba4b1c705ed';
    const emulator = await runInProcess(['--port', '0', '--token', token, '--access-key', accessKey, '--secret-key', secretKey, '--project-id', PROJECT_ID]);
    const { base } = emulator;
    const get = (project: string, headers: Record<string, string>) => fetch(`${base}/v2/${project}/backuppolicy`, { headers });
    const signed = (project: string): Record<string, string> => {
      const u = new URL(`${base}/v2/${project}/backuppolicy`);
      const headers: Record<string, string> = { Host: u.host, 'X-Sdk-Date': formatSdkDate(new Date()), 'X-Project-Id': project };
      headers.Authorization = sign({ method: 'GET', path: u.pathname, headers }, accessKey, secretKey, ['host', 'x-project-id', 'x-sdk-date']).authorization;
      return headers;
    };
    try {
      expect((await get(PROJECT_ID, { 'X-Auth-Token': token })).status).toBe(200);
      expect((await get(PROJECT_ID, signed(PROJECT_ID))).status).toBe(200);
      for (const headers of [{ 'X-Auth-Token': token }, signed(other)]) {
        const denied = await get(other, headers);
        expect(denied.status).toBe(403);
        expect(((await denied.json()) as { error_code: string }).error_code).toBe('APIGW.0302');
      }
      expect(emulator.stderr()).toContain(`for project ${PROJECT_ID} only`);
      const index = await fetch(`${base}/__emulator/`);
      expect(index.status).toBe(200);
      const calls = ((await index.json()) as { calls: { method: string; path: string }[] }).calls.map((c) => `${c.method} ${c.path}`);
      expect(calls).toEqual(expect.arrayContaining(['GET /__emulator/', 'GET /__emulator/requests', 'POST /__emulator/faults', 'GET /__emulator/state']));
    } finally {
      emulator.signals.emit('SIGTERM');
    }
    expect(await emulator.done).toBe(0);
    expect(emulator.stderr()).not.toContain(token);
    expect(emulator.stderr()).not.toContain(secretKey);
  });
  test('--policy NAME=ID,ID seeds an enabled VBS policy with those volumes; with --vault of the same name both APIs have it; a malformed --policy is a usage error (exit 2)', async () => {
    const disks = ['94eba8b2-acc9-4d82-badc-127144cc5526', '0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'];
    const emulator = await runInProcess(['--port', '0', '--project-id', PROJECT_ID, '--policy', `nightly-db=${disks.join(',')}`, '--vault', `nightly-db=${disks.join(',')}`]);
    const { base } = emulator;
    try {
      const policies = await runCli(['policies', '--json'], emulatorEnv(base));
      expect(policies.code).toBe(0);
      const listed = (JSON.parse(policies.stdout) as { policies: { backup_policy_name: string; policy_resource_count: number; scheduled_policy: { status: string } }[] }).policies;
      expect(listed.map((p) => [p.backup_policy_name, p.policy_resource_count, p.scheduled_policy.status])).toEqual([['default_policy', 0, 'OFF'], ['nightly-db', 2, 'ON']]);
      const vaults = await runCli(['vaults', '--json'], emulatorEnv(base, { CBR_ENDPOINT: base }));
      expect((JSON.parse(vaults.stdout) as { vaults: { name: string }[] }).vaults.map((v) => v.name)).toEqual(['nightly-db']);
      expect(emulator.stderr()).toContain(`VBS policy "nightly-db" seeded with 2 volume(s) in project ${PROJECT_ID}`);
      expect(emulator.stderr()).toContain(`CBR vault "nightly-db" seeded with 2 disk(s) in project ${PROJECT_ID}`);
    } finally {
      emulator.signals.emit('SIGTERM');
    }
    expect(await emulator.done).toBe(0);
    for (const bad of ['db', 'db=', '=vol-1', 'default_x=vol-1', 'db=vol/1']) {
      const r = await runCli(['emulator', '--port', '0', '--policy', bad], baseEnv());
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--policy must be NAME=VOLUME_ID[,VOLUME_ID...]')]);
    }
  });

  test('--vault NAME=ID,ID seeds a CBR disk vault in the --project-id project; a malformed --vault is a usage error (exit 2)', async () => {
    const disks = ['94eba8b2-acc9-4d82-badc-127144cc5526', '0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'];
    const emulator = await runInProcess(['--port', '0', '--project-id', PROJECT_ID, '--vault', `db=${disks.join(',')}`, '--vault', `web=${'5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d'}`]);
    const { base } = emulator;
    try {
      const r = await fetch(`${base}/v3/${PROJECT_ID}/vaults?name=db`, { headers: { 'X-Auth-Token': 'any' } });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { vaults: { name: string; billing: { object_type: string }; resources: { id: string; type: string }[] }[] };
      expect(body.vaults.map((v) => [v.name, v.billing.object_type, v.resources.map((x) => [x.id, x.type])]))
        .toEqual([['db', 'disk', disks.map((id) => [id, 'OS::Cinder::Volume'])]]);
      expect(emulator.stderr()).toContain('vault "db" seeded with 2 disk(s)');
    } finally {
      emulator.signals.emit('SIGTERM');
    }
    expect(await emulator.done).toBe(0);
    for (const bad of ['db', 'db=', '=94eba8b2-acc9-4d82-badc-127144cc5526', 'db=vol-1']) {
      const r = await runCli(['emulator', '--port', '0', '--vault', bad], baseEnv());
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--vault must be NAME=DISK_ID[,DISK_ID...]')]);
    }
  });
});
