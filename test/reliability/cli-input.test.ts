/**
 * Bad input to the real executable (`node lib/cli/bin.js`), as a user or a broken synth would
 * give it: exit code 2, a message that says what was wrong and what is allowed, nothing on
 * stdout, no stack trace, and never a credential from the environment.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { BIN, CANARY, SECRET_VALUES } from './support';

const UUID = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';
const HOOK = { VBS_HOOK_POLICY_ID: UUID, VBS_HOOK_WAIT: 'false', VBS_HOOK_TIMEOUT: '60', VBS_HOOK_FAILURE_MODE: 'fail', VBS_HOOK_PHASE: 'deploy' };

/** label, argv, extra environment, the message it must give. */
const cases: [string, string[], Record<string, string>, RegExp][] = [
  ['unknown command', ['backup-now'], {}, /unknown command 'backup-now'; commands: execute, jobs, policies, backup-vault, vault-backups, vaults, restore, emulator/],
  ['execute with a policy id that is not a UUID', ['execute', '--policy-id', 'nightly'], {}, /--policy-id must be a policy UUID \(8-4-4-4-12 hex digits\), got 'nightly'/],
  ['execute with a zero timeout', ['execute', '--policy-id', UUID, '--timeout', '0'], {}, /--timeout must be a whole number from 1 to 86400, got '0'/],
  ['execute with an empty policy name', ['execute', '--policy-name', ''], {}, /--policy-name must not be empty/],
  ['execute with a file: endpoint', ['execute', '--policy-id', UUID, '--endpoint', 'file:///etc/passwd'], {}, /--endpoint must use http or https, got 'file:'/],
  ['policies with a short project id', ['policies', '--project-id', 'abc'], {}, /--project-id must be 32 hex digits, got 'abc'/],
  ['emulator with an empty token', ['emulator', '--token', ''], {}, /--token must not be empty/],
  ['emulator with a fractional port', ['emulator', '--port', '80.5'], {}, /--port must be a whole number from 0 to 65535, got '80.5'/],
  ['hook with an argument', ['hook-trigger', '--policy-id', UUID], HOOK, /hook-trigger takes no arguments \(got '--policy-id'\)/],
  ['hook with a bad timeout', ['hook-trigger'], { ...HOOK, VBS_HOOK_TIMEOUT: '10m' }, /VBS_HOOK_TIMEOUT must be a whole number of seconds from 1 to 86400, got '10m'/],
  ['hook with a bad failure mode', ['hook-trigger'], { ...HOOK, VBS_HOOK_FAILURE_MODE: 'ignore' }, /VBS_HOOK_FAILURE_MODE must be one of .*fail.*continue.*got 'ignore'/],
  ['hook with a bad busy mode', ['hook-trigger'], { ...HOOK, VBS_HOOK_WHEN_BUSY: 'WAIT_THEN_RUN' }, /VBS_HOOK_WHEN_BUSY must be one of wait, join, fail, got 'WAIT_THEN_RUN'/],
  ['hook with a bad policy id', ['hook-trigger'], { ...HOOK, VBS_HOOK_POLICY_ID: 'x' }, /VBS_HOOK_POLICY_ID must be a policy UUID, got 'x'/],
  ['policy hook with a spec that is not JSON', ['hook-policy-apply'], { VBS_HOOK_IDENTITY: '0123456789abcdef', VBS_HOOK_REVISION: '0123456789abcdef', VBS_HOOK_SPEC: '{name:' }, /VBS_HOOK_SPEC is not valid JSON/],
  ['policy hook with the reserved tag', ['hook-policy-apply'], {
    VBS_HOOK_IDENTITY: '0123456789abcdef', VBS_HOOK_REVISION: '0123456789abcdef',
    VBS_HOOK_SPEC: JSON.stringify({ name: 'n', scheduled_policy: {}, volume_ids: [], tags: { 'cdktf-vbs-backup': 'x' } }),
  }, /must not contain the reserved key 'cdktf-vbs-backup'/],
];

// Found by this suite and fixed: Date.parse rolls impossible dates over (Feb 31 -> Mar 2).
const foundAndFixed: typeof cases = [
  ['jobs with an impossible date (Feb 31)', ['jobs', '--policy-id', UUID, '--since', '2024-02-31T00:00:00Z'], {}, /--since is not a valid date: '2024-02-31T00:00:00Z'/],
  ['jobs with an impossible hour (25:00)', ['jobs', '--policy-id', UUID, '--since', '2024-02-01T25:00:00Z'], {}, /--since is not a valid date: '2024-02-01T25:00:00Z'/],
];

function check(argv: string[], env: Record<string, string>, message: RegExp): void {
  const r = spawnSync(process.execPath, [BIN, ...argv], {
    // Credentials in the environment must never be echoed, even by a usage error.
    env: { PATH: process.env.PATH, HW_AUTH_TOKEN: CANARY.token, HW_USER_PASSWORD: CANARY.password, HW_SECRET_KEY: CANARY.secretKey, ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  for (const s of SECRET_VALUES) expect(r.stderr).not.toContain(s);
}

describe('invalid CLI input: exit 2 with the message', () => {
  beforeAll(() => expect(fs.existsSync(BIN)).toBe(true));

  test.each(cases)('%s', (_label, argv, env, message) => check(argv, env, message));

  test.each(foundAndFixed)('%s', (_label, argv, env, message) => check(argv, env, message));
});
