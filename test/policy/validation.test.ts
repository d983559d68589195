import { BackupPolicy, Retention, Schedule, Weekday } from '../../src/policy';
import { BackupPolicyProps } from '../../src/policy/policy';
import { FRAMEWORK_NAMES, under, VOLUME_A } from '../core/synth';

const base: BackupPolicyProps = {
  policyName: 'nightly-db',
  schedule: Schedule.daily(['02:00']),
  retention: Retention.count(7),
};

const tenTags = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v']));

/** One row per validation message: the props changed, and the exact message. */
const cases: [string, Partial<BackupPolicyProps>, string][] = [
  [
    'policy name characters',
    { policyName: 'nightly db' },
    'stack/Policy: policyName "nightly db" is not a valid backup policy name; allowed: 1 to 64 characters, each a letter, a digit, "_" or "-"',
  ],
  [
    'policy name starting with default',
    { policyName: 'Default-db' },
    'stack/Policy: policyName "Default-db" starts with "default"; allowed: any name that does not start with "default" in any letter case (VBS reserves it for the default policy)',
  ],
  [
    'start time not a whole hour',
    { schedule: Schedule.daily(['02:30']) },
    'stack/Policy: schedule start time "02:30" is not a whole hour; allowed: "HH:00" with HH from 00 to 23 (UTC), e.g. "02:00"',
  ],
  [
    'no start time',
    { schedule: Schedule.daily([]) },
    'stack/Policy: schedule startTimes [] has 0 entries; allowed: 1 to 24 start times a day (VBS runs a policy at most 24 times a day)',
  ],
  [
    'duplicate start times',
    { schedule: Schedule.daily(['02:00', '02:00']) },
    'stack/Policy: schedule startTimes ["02:00","02:00"] lists "02:00" more than once; allowed: distinct start times',
  ],
  [
    'frequency',
    { schedule: Schedule.everyNDays(15, ['02:00']) },
    'stack/Policy: schedule frequency (days) 15 is out of range; allowed: a whole number from 1 to 14',
  ],
  [
    'no week day',
    { schedule: Schedule.weekly([], ['02:00']) },
    'stack/Policy: schedule weekdays [] is empty; allowed: at least one Weekday, e.g. [Weekday.MON]',
  ],
  [
    'duplicate week days',
    { schedule: Schedule.weekly([Weekday.MON, Weekday.MON], ['02:00']) },
    'stack/Policy: schedule weekdays ["MON","MON"] lists "MON" more than once; allowed: distinct week days',
  ],
  [
    'unknown week day',
    { schedule: Schedule.weekly(['MONDAY' as Weekday], ['02:00']) },
    'stack/Policy: schedule weekday "MONDAY" is not a week day; allowed: one of SUN, MON, TUE, WED, THU, FRI, SAT (use the Weekday enum)',
  ],
  [
    'time zone',
    { schedule: Schedule.daily(['02:00'], { timeZone: 'CET' }) },
    'stack/Policy: schedule timeZone "CET" is not a VBS time zone; allowed: "UTC+HH:MM" or "UTC-HH:MM" with HH 00-14 and MM 00-59, e.g. "UTC+08:00"',
  ],
  [
    'retention count',
    { retention: Retention.count(1) },
    'stack/Policy: retention count 1 is out of range; allowed: a whole number from 2 to 99',
  ],
  [
    'retention days',
    { retention: Retention.days(100000) },
    'stack/Policy: retention days 100000 is out of range; allowed: a whole number from 2 to 99999',
  ],
  [
    'too many tags',
    { tags: tenTags },
    'stack/Policy: tags ["k0","k1","k2","k3","k4","k5","k6","k7","k8","k9"] has 10 tags; allowed: at most 9: VBS allows 10 tags per policy and cdktf-vbs-backup uses one, "cdktf-vbs-backup", to recognise the policy it manages',
  ],
  [
    'tag key',
    { tags: { 'team.name': 'db' } },
    'stack/Policy: tag key "team.name" is not a valid VBS tag key; allowed: 1 to 36 characters, each a letter, a digit, "_" or "-"',
  ],
  [
    'reserved tag key',
    { tags: { 'cdktf-vbs-backup': 'x' } },
    'stack/Policy: tag key "cdktf-vbs-backup" is reserved; allowed: any other key: "cdktf-vbs-backup" marks the policies cdktf-vbs-backup manages',
  ],
  [
    'tag value',
    { tags: { team: 'a'.repeat(44) } },
    `stack/Policy: tag "team" value "${'a'.repeat(44)}" is not a valid VBS tag value; allowed: 0 to 43 characters, each a letter, a digit, "_" or "-"`,
  ],
  [
    'volume id',
    { volumeIds: ['vol-1'] },
    'stack/Policy: volume id "vol-1" is not an EVS volume id; allowed: a UUID like "0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11", or a token such as volume.id',
  ],
  [
    'duplicate volume id',
    { volumeIds: [VOLUME_A, VOLUME_A] },
    `stack/Policy: volume id "${VOLUME_A}" is already in the policy; allowed: each volume once`,
  ],
  [
    'connection (checked here too)',
    { connection: { projectId: 'abc' } },
    'stack/Policy: connection.projectId "abc" is not a project id',
  ],
];

describe.each(FRAMEWORK_NAMES)('BackupPolicy validation under %s', (framework) => {
  const { newStack, module, userResource } = under(framework);

  test.each(cases)('%s', (_rule, props, message) => {
    expect(() => new BackupPolicy(newStack(), 'Policy', { ...base, ...props })).toThrow(message);
  });

  test('addVolume validates too, naming the policy', () => {
    const p = new BackupPolicy(newStack(), 'Policy', { ...base, volumeIds: [VOLUME_A] });
    expect(() => p.addVolume(VOLUME_A)).toThrow(`stack/Policy: volume id "${VOLUME_A}" is already in the policy`);
  });

  test('limits are inclusive: 64-char name, 24 start times, 14 days, 2-99 backups, 9 tags, 36/43 tag lengths', () => {
    const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);
    const nineTags = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, '']));
    const stack = newStack();
    expect(() => {
      new BackupPolicy(stack, 'A', { ...base, policyName: 'a'.repeat(64), schedule: Schedule.everyNDays(14, hours), retention: Retention.count(99) });
      new BackupPolicy(stack, 'B', {
        ...base,
        retention: Retention.count(2),
        tags: { ...nineTags, ['k'.repeat(36)]: 'v'.repeat(43) },
        schedule: Schedule.weekly([Weekday.SUN], ['23:00'], { timeZone: 'UTC-14:00' }),
      });
      new BackupPolicy(stack, 'C', { ...base, retention: Retention.days(99999) });
    }).not.toThrow();
  });

  test('unresolved tokens are skipped', () => {
    const stack = newStack();
    const text = new module.TerraformVariable(stack, 'text', { type: 'string' }).stringValue;
    const num = new module.TerraformVariable(stack, 'num', { type: 'number' }).numberValue;
    const volume = userResource(stack, 'Volume');
    expect(
      () =>
        new BackupPolicy(stack, 'Policy', {
          policyName: text,
          schedule: Schedule.everyNDays(num, [text], { timeZone: text }),
          retention: Retention.days(num),
          volumeIds: [volume.id, text],
          tags: { team: text },
          connection: { projectId: text, endpoint: text, region: text },
        }),
    ).not.toThrow();
  });

  test('fromPolicyId checks a literal id', () => {
    expect(() => BackupPolicy.fromPolicyId(newStack(), 'Existing', 'policy-1')).toThrow(
      'stack/Existing: policyId "policy-1" is not a backup policy id; allowed: a UUID like "af8a20b0-117d-4fc3-ae53-aa3968a4f870"',
    );
  });

  test('fromPolicyName checks a literal name', () => {
    expect(() => BackupPolicy.fromPolicyName(newStack(), 'Existing', '')).toThrow(
      'stack/Existing: policyName "" is not a valid backup policy name; allowed: 1 to 64 characters',
    );
  });
});
