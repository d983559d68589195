/**
 * src/cli/failure.ts: one message per failure, decided by the error's class (never its name or
 * text), with the busy choices in the words of whoever set them.
 */
import { VbsBusyError, VbsBusyTimeoutError } from '../../src/client/busy';
import { CbrBusyError, CbrBusyTimeoutError } from '../../src/client/cbr-backup';
import { VbsAmbiguousNameError, VbsApiError, VbsNetworkError, VbsNotFoundError } from '../../src/client/errors';
import { CommandFailure, busyChoices, describeFailure } from '../../src/cli/failure';
import type { Deadline } from '../../src/cli/runtime';

const POLICY = '3b5d8e2a-4c1f-4e6b-9a7d-0f2e1c3b4a5d';
const VAULT = '8b0851a8-adf3-4f4c-a914-dead08bf9664';
const PROJECT = '0123456789abcdef0123456789abcdef';

const running: Deadline = { signal: new AbortController().signal, at: Date.now() + 60_000, seconds: 60, source: '--timeout' };
const expired: Deadline = { signal: AbortSignal.abort(), at: Date.now(), seconds: 60, source: 'VBS_HOOK_TIMEOUT' };

const refusal = new VbsApiError({ operation: 'executePolicy', status: 409, code: 'AutoBackup.0225', message: 'busy' });
const policyBusy = new VbsBusyError(refusal, POLICY, undefined);
const vaultBusy = new CbrBusyError(VAULT, [{ resourceId: POLICY, running: [] }], undefined, undefined);
const notFound = new VbsNotFoundError({ operation: 'findVaultByName', kind: 'vault', by: 'name', value: 'db', projectId: PROJECT }, 'no vault named "db"');
const ambiguous = new VbsAmbiguousNameError({ operation: 'findVaultByName', kind: 'vault', by: 'name', value: 'db', projectId: PROJECT }, [VAULT, POLICY], '2 vaults are named "db"');

describe('busyChoices: the other choices, as the user sets them', () => {
  test.each([
    ['policy', 'cli', '--when-busy fail does not wait; --when-busy wait (the default) waits for that run, then runs; --when-busy join counts that run as this one'],
    ['policy', 'construct', "whenBusy is WhenBusy.FAIL, so the deployment does not wait; WhenBusy.WAIT_THEN_RUN (the default) waits for that run, then runs; WhenBusy.JOIN_RUNNING counts that run as this trigger's backup"],
    ['vault', 'cli', '--when-busy fail does not wait; --when-busy wait (the default) waits for those backups, then backs the resources up; --when-busy join counts the running backups'],
    ['vault', 'construct', "whenBusy is WhenBusy.FAIL, so the deployment does not wait; WhenBusy.WAIT_THEN_RUN (the default) waits for those backups, then backs the resources up; WhenBusy.JOIN_RUNNING counts the running backups as this trigger's"],
  ] as const)('%s, %s', (target, wording, text) => {
    expect(busyChoices(target, wording)).toBe(text);
  });
});

describe('describeFailure decides by class', () => {
  test('a busy policy or vault: its message, then the other choices', () => {
    expect(describeFailure(policyBusy, running, 'cli')).toBe(`${policyBusy.message}. ${busyChoices('policy', 'cli')}`);
    expect(describeFailure(vaultBusy, running, 'construct')).toBe(`${vaultBusy.message}. ${busyChoices('vault', 'construct')}`);
  });

  test('a busy wait that ran out: its message and the bound', () => {
    const policyWait = new VbsBusyTimeoutError(POLICY, undefined, 1500);
    const vaultWait = new CbrBusyTimeoutError(VAULT, [], 1500);
    expect(describeFailure(policyWait, expired, 'construct')).toBe(`${policyWait.message} (bound: 60 s, VBS_HOOK_TIMEOUT)`);
    expect(describeFailure(vaultWait, running, 'cli')).toBe(`${vaultWait.message} (bound: 60 s, --timeout)`);
  });

  test('after the deadline, a failure the command found and a lookup keep their message; any other failure says the deadline passed', () => {
    expect(describeFailure(new CommandFailure('2 backups ended in error'), expired, 'cli')).toBe('2 backups ended in error');
    expect(describeFailure(notFound, expired, 'cli')).toBe('no vault named "db"');
    expect(describeFailure(ambiguous, expired, 'cli')).toBe('2 vaults are named "db"');
    const network = new VbsNetworkError('listBackups', 'listBackups: connection reset', true);
    expect(describeFailure(network, expired, 'construct')).toBe('timed out after 60 s (VBS_HOOK_TIMEOUT) during listBackups');
    expect(describeFailure(network, running, 'construct')).toBe('listBackups: connection reset');
  });

  test("an error that only carries a busy error's name is not one: no choices are offered", () => {
    const lookalike = Object.assign(new Error('refused'), { name: 'VbsBusyError' });
    expect(describeFailure(lookalike, running, 'cli')).toBe('refused');
    const notAFailure = Object.assign(new Error('late'), { name: 'CommandFailure' });
    expect(describeFailure(notAFailure, expired, 'cli')).toBe('timed out after 60 s (VBS_HOOK_TIMEOUT)');
  });
});
