/**
 * Invalid construct props not covered by test/policy and test/trigger: each must fail at synth
 * with a message naming the construct path, the value and what is allowed.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { BackupPolicy, BackupPolicyTrigger, Retention, Schedule } from '../../src';

const P = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';
type Make = (s: TerraformStack) => void;
const trigger = (s: TerraformStack, props: object): BackupPolicyTrigger =>
  new BackupPolicyTrigger(s, 'B', { policy: BackupPolicy.fromPolicyId(s, 'P', P), ...props });

const cases: [string, Make, string][] = [
  ['negative timeout', (s) => trigger(s, { timeoutSeconds: -5 }), 'stack/B: timeoutSeconds -5 is out of range; allowed: a whole number from 1 to 86400'],
  ['region with a space', (s) => trigger(s, { connection: { region: 'eu de' } }), 'stack/B: connection.region "eu de" is not a region name; allowed: lower-case letters'],
  ['empty region', (s) => trigger(s, { connection: { region: '' } }), 'stack/B: connection.region "" is not a region name'],
  ['ftp endpoint on an existing policy', (s) => BackupPolicy.fromPolicyName(s, 'P', 'n', { endpoint: 'ftp://x' }), 'stack/P: connection.endpoint "ftp://x" is not an http(s) URL'],
  ['empty policy name', (s) => BackupPolicy.fromPolicyName(s, 'P', ''), 'stack/P: policyName "" is not a valid backup policy name'],
  ['fractional retention', (s) => new BackupPolicy(s, 'Q', { policyName: 'q', schedule: Schedule.daily(['02:00']), retention: Retention.count(2.5) }), 'stack/Q: retention count 2.5 is out of range; allowed: a whole number from 2 to 99'],
  ['every 0 days', (s) => new BackupPolicy(s, 'Q', { policyName: 'q', schedule: Schedule.everyNDays(0, ['02:00']), retention: Retention.count(3) }), 'stack/Q: schedule frequency (days) 0 is out of range'],
  ['start time 24:00', (s) => new BackupPolicy(s, 'Q', { policyName: 'q', schedule: Schedule.daily(['24:00']), retention: Retention.count(3) }), 'stack/Q: schedule start time "24:00" is not a whole hour'],
];

// Found by this suite and fixed: non-finite numbers are named as such, and a trigger cannot be
// ordered against a construct that contains it.
const foundAndFixed: [string, Make, string][] = [
  ['NaN timeout is named as NaN', (s) => trigger(s, { timeoutSeconds: NaN }), 'stack/B: timeoutSeconds NaN is out of range'],
  ['Infinity timeout is named as Infinity', (s) => trigger(s, { timeoutSeconds: Infinity }), 'stack/B: timeoutSeconds Infinity is out of range'],
  ['a trigger that runs after itself', (s) => { const t = trigger(s, {}); t.executeAfter(t); }, 'stack/B: executeAfter "stack/B" contains this trigger'],
  ['a trigger that runs before its own stack', (s) => { const t = trigger(s, {}); t.executeBefore(s); }, 'stack/B: executeBefore "stack" contains this trigger'],
];

function synthError(make: Make): string {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  try {
    make(stack);
    Testing.synth(stack, true);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('invalid construct props fail at synth with the path, the value and what is allowed', () => {
  test.each(cases)('%s', (_label, make, message) => expect(synthError(make)).toContain(message));
  test.each(foundAndFixed)('%s', (_label, make, message) => expect(synthError(make)).toContain(message));
});
