import { parsePolicySpec, readPolicyRef, readTriggerInputs, readPolicyApplyInputs, readPolicyDestroyInputs, readVolumeInputs } from '../../src/cli/hook-env';
import {
  MARKER_TAG_KEY, createBody, desiredTags, markerValue, markerValuesFor, parseMarker, planTags, updateBody,
} from '../../src/cli/hook-plan';
import { UsageError } from '../../src/cli/args';
import type { WirePolicy } from '../../src/contract/wire';

const SPEC = {
  name: 'nightly-db',
  scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
  time_zone: null,
  volume_ids: ['v1', 'v2', 'v1'],
  tags: { team: 'db' },
};
const spec = () => parsePolicySpec('hook-policy-apply', JSON.stringify(SPEC));

describe('marker tag', () => {
  test('value is <identity>_<revision> and parses back', () => {
    expect(markerValue('abc123', 'def456')).toBe('abc123_def456');
    expect(parseMarker('abc123_def456')).toEqual({ identity: 'abc123', revision: 'def456', value: 'abc123_def456' });
    expect(parseMarker('noseparator')).toBeUndefined();
    expect(parseMarker('_x')).toBeUndefined();
  });

  test('finds only the values of the identity under the marker key', () => {
    const tags = [
      { key: MARKER_TAG_KEY, values: ['aaaa_1', 'aaaab_2', 'bbbb_3'] },
      { key: 'team', values: ['aaaa_9'] },
    ];
    expect(markerValuesFor(tags, 'aaaa')).toEqual(['aaaa_1']);
    expect(markerValuesFor(tags, 'cccc')).toEqual([]);
  });
});

describe('spec parsing', () => {
  test('drops nulls, ignores the volume_ids of older versions, defaults tags', () => {
    const s = spec();
    expect(s.time_zone).toBeUndefined();
    expect(s).toEqual({ name: 'nightly-db', scheduled_policy: SPEC.scheduled_policy, time_zone: undefined, tags: { team: 'db' } });
    expect(parsePolicySpec('x', JSON.stringify({ ...SPEC, tags: null, volume_ids: [1] })).tags).toEqual({});
  });

  test.each([
    ['unset', undefined, /VBS_HOOK_SPEC must be set/],
    ['bad JSON', '{not json', /VBS_HOOK_SPEC is not valid JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['empty name', JSON.stringify({ ...SPEC, name: '' }), /VBS_HOOK_SPEC.name must be a non-empty string/],
    ['a string schedule', JSON.stringify({ ...SPEC, scheduled_policy: 'daily' }), /VBS_HOOK_SPEC.scheduled_policy must be an object/],
    ['numeric tag values', JSON.stringify({ ...SPEC, tags: { a: 1 } }), /VBS_HOOK_SPEC.tags must be an object of string values/],
    ['the reserved tag key', JSON.stringify({ ...SPEC, tags: { [MARKER_TAG_KEY]: 'x' } }), /reserved key 'cdktf-vbs-backup'/],
    ['a numeric time zone', JSON.stringify({ ...SPEC, time_zone: 8 }), /time_zone must be a string/],
  ])('rejects %s', (_label, text, message) => {
    expect(() => parsePolicySpec('hook-policy-apply', text)).toThrow(message);
    expect(() => parsePolicySpec('hook-policy-apply', text)).toThrow(UsageError);
  });
});

describe('hook environment', () => {
  test('policy reference needs exactly one variable', () => {
    expect(readPolicyRef('t', { VBS_HOOK_POLICY_NAME: 'n' })).toEqual({ kind: 'name', policyName: 'n' });
    expect(readPolicyRef('t', { VBS_HOOK_POLICY_IDENTITY: 'abcdef0123456789' })).toEqual({ kind: 'identity', identity: 'abcdef0123456789' });
    expect(readPolicyRef('t', { VBS_HOOK_POLICY_ID: 'AF8A20B0-117D-4FC3-AE53-AA3968A4F870' }))
      .toEqual({ kind: 'id', policyId: 'af8a20b0-117d-4fc3-ae53-aa3968a4f870' });
    expect(() => readPolicyRef('t', {})).toThrow(/exactly one of VBS_HOOK_POLICY_ID, VBS_HOOK_POLICY_NAME, VBS_HOOK_POLICY_IDENTITY must be set, got none/);
    expect(() => readPolicyRef('t', { VBS_HOOK_POLICY_ID: 'x', VBS_HOOK_POLICY_NAME: 'n' })).toThrow(/got VBS_HOOK_POLICY_ID and VBS_HOOK_POLICY_NAME/);
    expect(() => readPolicyRef('t', { VBS_HOOK_POLICY_ID: 'nope' })).toThrow(/VBS_HOOK_POLICY_ID must be a policy UUID, got 'nope'/);
    expect(() => readPolicyRef('t', { VBS_HOOK_POLICY_IDENTITY: 'a_b' })).toThrow(/VBS_HOOK_POLICY_IDENTITY must be 1-21 letters/);
  });

  test('trigger inputs: defaults and checked choices', () => {
    const base = { VBS_HOOK_POLICY_NAME: 'n' };
    expect(readTriggerInputs('t', base)).toEqual({
      ref: { kind: 'name', policyName: 'n' }, wait: false, timeoutSeconds: 1800, failureMode: 'fail', phase: 'deploy', whenBusy: 'wait',
      connection: { endpoint: undefined, region: undefined, projectId: undefined },
    });
    const full = readTriggerInputs('t', {
      ...base, VBS_HOOK_WAIT: 'true', VBS_HOOK_TIMEOUT: '60', VBS_HOOK_FAILURE_MODE: 'continue', VBS_HOOK_PHASE: 'destroy', VBS_HOOK_WHEN_BUSY: 'join',
      VBS_HOOK_ENDPOINT: 'http://127.0.0.1:1', VBS_HOOK_REGION: 'eu-de', VBS_HOOK_PROJECT_ID: 'a'.repeat(32),
    });
    expect(full).toMatchObject({ wait: true, timeoutSeconds: 60, failureMode: 'continue', phase: 'destroy', whenBusy: 'join',
      connection: { endpoint: 'http://127.0.0.1:1', region: 'eu-de', projectId: 'a'.repeat(32) } });
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_WAIT: 'yes' })).toThrow(/VBS_HOOK_WAIT must be one of true, false, got 'yes'/);
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_TIMEOUT: '0' })).toThrow(/VBS_HOOK_TIMEOUT must be a whole number of seconds from 1 to 86400, got '0'/);
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_FAILURE_MODE: 'ignore' })).toThrow(/VBS_HOOK_FAILURE_MODE must be one of fail, continue/);
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_WHEN_BUSY: 'queue' })).toThrow(/VBS_HOOK_WHEN_BUSY must be one of wait, join, fail, got 'queue'/);
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_PHASE: 'x' })).toThrow(/VBS_HOOK_PHASE must be one of deploy, destroy/);
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_PROJECT_ID: 'p1' })).toThrow(/VBS_HOOK_PROJECT_ID "p1" is not a project id; allowed: 32 hex characters/);
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_REGION: 'eu--de' })).toThrow(/VBS_HOOK_REGION "eu--de" is not a region name/);
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_ENDPOINT: 'http://example.com' })).toThrow(/VBS_HOOK_ENDPOINT "http:\/\/example.com" is plain http/);
    expect(() => readTriggerInputs('t', { ...base, VBS_HOOK_CLOUD: 'aws' })).toThrow(/VBS_HOOK_CLOUD "aws" is not a cloud/);
    expect(readTriggerInputs('t', { ...base, VBS_HOOK_CLOUD: 'otc' }).connection).toEqual({ cloud: 'otc' });
  });

  test('policy hooks need identity and revision', () => {
    expect(() => readPolicyApplyInputs('a', { VBS_HOOK_REVISION: 'r', VBS_HOOK_SPEC: JSON.stringify(SPEC) })).toThrow(/VBS_HOOK_IDENTITY must be set/);
    expect(() => readPolicyDestroyInputs('d', { VBS_HOOK_IDENTITY: 'i' })).toThrow(/VBS_HOOK_REVISION must be set/);
    expect(readPolicyDestroyInputs('d', { VBS_HOOK_IDENTITY: 'i', VBS_HOOK_REVISION: 'r' })).toMatchObject({ removal: 'destroy', timeoutSeconds: 600 });
    expect(() => readPolicyDestroyInputs('d', { VBS_HOOK_IDENTITY: 'i', VBS_HOOK_REVISION: 'r', VBS_HOOK_REMOVAL: 'keep' }))
      .toThrow(/VBS_HOOK_REMOVAL must be one of destroy, retain, got 'keep'/);
  });

  test('volume hooks need identity and one volume id; removal defaults to destroy, timeout to 600 s', () => {
    const vol = '0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11';
    expect(readVolumeInputs('v', { VBS_HOOK_IDENTITY: 'i', VBS_HOOK_VOLUME: vol }))
      .toEqual({ identity: 'i', volume: vol, removal: 'destroy', timeoutSeconds: 600, connection: {} });
    expect(readVolumeInputs('v', { VBS_HOOK_IDENTITY: 'i', VBS_HOOK_VOLUME: vol, VBS_HOOK_REMOVAL: 'retain', VBS_HOOK_TIMEOUT: '5' }))
      .toMatchObject({ removal: 'retain', timeoutSeconds: 5 });
    expect(() => readVolumeInputs('v', { VBS_HOOK_IDENTITY: 'i' })).toThrow(/VBS_HOOK_VOLUME must be set to the volume id/);
    expect(() => readVolumeInputs('v', { VBS_HOOK_IDENTITY: 'i', VBS_HOOK_VOLUME: '${each.value}' }))
      .toThrow(/VBS_HOOK_VOLUME must be a volume id \(1-64 letters, digits, '_' or '-'\), got '\$\{each.value\}'/);
    expect(() => readVolumeInputs('v', { VBS_HOOK_VOLUME: vol })).toThrow(/VBS_HOOK_IDENTITY must be set/);
    expect(() => readVolumeInputs('v', { VBS_HOOK_IDENTITY: 'i', VBS_HOOK_VOLUME: vol, VBS_HOOK_REMOVAL: 'keep' }))
      .toThrow(/VBS_HOOK_REMOVAL must be one of destroy, retain, got 'keep'/);
  });
});

describe('planning', () => {
  test('tags are exactly the spec tags plus the marker', () => {
    expect(desiredTags(spec(), 'id1', 'rev2')).toEqual({ team: 'db', [MARKER_TAG_KEY]: 'id1_rev2' });
    expect(planTags({ team: 'ops', old: 'x', [MARKER_TAG_KEY]: 'id1_rev1' }, desiredTags(spec(), 'id1', 'rev2')))
      .toEqual({ upsert: { team: 'db', [MARKER_TAG_KEY]: 'id1_rev2' }, remove: ['old'] });
  });

  test('create body carries the tags and the marker', () => {
    const body = createBody(spec(), 'id1', 'rev1');
    expect(body.backup_policy_name).toBe('nightly-db');
    expect(body.tags).toEqual([{ key: 'team', value: 'db' }, { key: MARKER_TAG_KEY, value: 'id1_rev1' }]);
    expect(body.time_zone).toBeUndefined();
  });

  test('update body always has a period and a retention, never tags', () => {
    const current = {
      backup_policy_id: 'p', backup_policy_name: 'old', policy_resource_count: 0, time_zone: 'UTC+02:00',
      scheduled_policy: { start_time: '01:00', week_frequency: ['MON'], rentention_day: 30, status: 'ON' },
    } as WirePolicy;
    const s = parsePolicySpec('x', JSON.stringify({ ...SPEC, scheduled_policy: { start_time: '03:00', status: 'OFF' } }));
    expect(updateBody(s, current)).toEqual({
      backup_policy_name: 'nightly-db',
      scheduled_policy: { start_time: '03:00', status: 'OFF', week_frequency: ['MON'], rentention_day: 30 },
      time_zone: 'UTC+02:00',
    });
    // The spec's own period wins, and frequency is not mixed with the current week_frequency.
    expect(updateBody(spec(), current).scheduled_policy).toEqual(SPEC.scheduled_policy);
    expect(() => updateBody(s)).toThrow(/has no period: scheduled_policy needs frequency \(1-14\) or week_frequency/);
  });
});
