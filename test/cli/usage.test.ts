import { main } from '../../src/cli/main';
import { formatArgsCheck } from './usage-cases';
import { PACKAGE_VERSION, captureIo } from './support';

async function run(argv: string[], env: Record<string, string> = {}) {
  const c = captureIo(env);
  const code = await main(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

describe('top level', () => {
  test('--help lists the public commands only', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['execute', 'jobs', 'policies', 'backup-vault', 'vault-backups', 'vaults', 'restore', 'emulator']) expect(r.stdout).toContain(`  ${c} `);
    expect(r.stdout).toMatch(/^ {2}emulator +run the emulator of the VBS and CBR APIs/m);
    expect(r.stdout).not.toContain('hook-');
    expect(r.stderr).toBe('');
  });

  test('emulator --help says it serves both APIs and seeds policies and vaults', async () => {
    const r = await run(['emulator', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Runs the emulator of the VBS API \(backup policies\) and the CBR API/);
    expect(r.stdout).toContain('--policy NAME=IDS   seed a VBS backup policy');
    expect(r.stdout).toContain('--vault NAME=IDS    seed a CBR disk vault');
  });

  test('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(PACKAGE_VERSION);
  });

  test('help <command> prints that command\'s help', async () => {
    const r = await run(['help', 'jobs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: vbs-backup jobs/);
  });

  test.each(['execute', 'jobs', 'policies', 'backup-vault', 'vault-backups', 'vaults', 'emulator'])('%s --help exits 0 with its usage', async (cmd) => {
    const r = await run([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: vbs-backup ${cmd}`));
  });

  test.each(['hook-backup', 'hook-trigger', 'hook-vault-trigger', 'hook-policy-apply', 'hook-policy-destroy', 'hook-volume-attach', 'hook-volume-detach'])('%s --help explains the hook contract', async (cmd) => {
    const r = await run([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('VBS_HOOK_*');
  });
});

describe('usage errors exit 2 with what was wrong, what is allowed, and a pointer to --help', () => {
  test.each(formatArgsCheck)('%s', async (_label, argv, message, pointer) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(pointer);
  });

  test('a hook with bad inputs names the variable and exits 2', async () => {
    const r = await run(['hook-backup'], { VBS_HOOK_POLICY_NAME: 'n', VBS_HOOK_WAIT: 'maybe' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("vbs-backup hook-backup: VBS_HOOK_WAIT must be one of true, false, got 'maybe'");
    expect(r.stderr).toContain('VBS_HOOK_* variables');
  });

  test('a hook refuses arguments', async () => {
    const r = await run(['hook-policy-apply', '--spec', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("hook-policy-apply takes no arguments (got '--spec')");
  });
});

describe('configuration failures exit 1', () => {
  test('no credentials in the environment', async () => {
    const r = await run(['policies', '--endpoint', 'http://127.0.0.1:9', '--project-id', 'a'.repeat(32)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*(HW_AUTH_TOKEN|credential)/im);
  });
});

describe('messages name the service they are about', () => {
  const env = { HW_PROJECT_ID: '0123456789abcdef0123456789abcdef', VBS_ENDPOINT: 'http://127.0.0.1:9', CBR_ENDPOINT: 'http://127.0.0.1:9' };
  test.each([
    ['vaults', ['vaults'], 'CBR'],
    ['backup-vault', ['backup-vault', '--vault-name', 'v'], 'CBR'],
    ['vault-backups', ['vault-backups', '--vault-name', 'v'], 'CBR'],
    ['restore', ['restore', '--vault-name', 'v', '--trigger', 's/V/T', '--dry-run'], 'CBR'],
    ['policies', ['policies'], 'VBS'],
    ['execute', ['execute', '--policy-name', 'n'], 'VBS'],
  ])('%s without credentials: exit 1, "no %s credentials"', async (_name, argv, service) => {
    const r = await run(argv, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: no ${service} credentials in the environment: set HW_AUTH_TOKEN`, 'm'));
  });
});
