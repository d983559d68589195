/**
 * CBR policies (P1-P5) in the emulator over raw HTTP: create, show, list, update (merging the
 * retention), delete (unbinding vaults), RRULE and retention rules, the quota.
 */
import { randomUUID } from 'node:crypto';
import type { Emulator } from '../../src/emulator';
import { call, emulatorPerTest } from './helpers';
import { cbrCode, createCbrPolicy, createVault, policyBody, v3 } from './cbr-support';
import { GOPHER_POLICY_DEFINITION, RRULE_EXAMPLES } from './cbr-doc-examples';

describe('emulator: CBR policies', () => {
  let em: Emulator;
  emulatorPerTest((e) => (em = e));

  test('P1 echoes the policy (unset retention counts as -1, periodic as 0; RRULEs verbatim); P2 shows it; P3 lists it; 404 6000 when unknown', async () => {
    const r = await call(em, 'POST', v3('/policies'), { body: policyBody('nightly', { trigger: { properties: { pattern: RRULE_EXAMPLES.slice(2, 4) } } }) });
    expect(r.status).toBe(200);
    const p = r.json.policy;
    expect(p).toMatchObject({
      name: 'nightly', enabled: true, operation_type: 'backup',
      operation_definition: { max_backups: 7, retention_duration_days: -1, day_backups: 0, week_backups: 0, month_backups: 0, year_backups: 0 },
      trigger: { name: 'default', type: 'time', properties: { pattern: RRULE_EXAMPLES.slice(2, 4) } },
      associated_vaults: [],
    });
    expect(p.trigger.properties.start_time).toMatch(/\+00:00$/);
    expect((await call(em, 'GET', v3(`/policies/${p.id}`))).json.policy).toEqual(p);
    const listed = await call(em, 'GET', v3('/policies?operation_type=backup'));
    expect([listed.json.count, listed.json.policies]).toEqual([1, [p]]);
    expect((await call(em, 'GET', v3('/policies?operation_type=replication'))).json.count).toBe(0);
    expect(cbrCode(await call(em, 'GET', v3(`/policies/${randomUUID()}`)))).toEqual([404, 'BackupService.6000']);
  });

  test('every documented RRULE example and gophertelekomcloud\'s live definition are accepted', async () => {
    for (const [i, rule] of RRULE_EXAMPLES.entries()) {
      const r = await call(em, 'POST', v3('/policies'), { body: policyBody(`rule-${i}`, { trigger: { properties: { pattern: [rule] } } }) });
      expect([rule, r.status, r.json.policy?.trigger.properties.pattern]).toEqual([rule, 200, [rule]]);
    }
    const g = await call(em, 'POST', v3('/policies'), { body: policyBody('gopher', { operation_definition: GOPHER_POLICY_DEFINITION }) });
    expect([g.status, g.json.policy.operation_definition]).toEqual([200, { ...GOPHER_POLICY_DEFINITION, retention_duration_days: -1 }]);
  });

  test('validation: bad RRULEs, retention ranges and the mutual exclusion are 400 9900 naming the field', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['no pattern', { trigger: { properties: {} } }, /pattern must be an array of 1-24/],
      ['25 rules', { trigger: { properties: { pattern: Array.from({ length: 25 }, () => 'FREQ=DAILY;INTERVAL=1;BYHOUR=2;BYMINUTE=00') } } }, /1-24/],
      ['MONTHLY', { trigger: { properties: { pattern: ['FREQ=MONTHLY;BYHOUR=2;BYMINUTE=00'] } } }, /FREQ must be WEEKLY or DAILY/],
      ['BYDAY with DAILY', { trigger: { properties: { pattern: ['FREQ=DAILY;BYDAY=MO;BYHOUR=2;BYMINUTE=00'] } } }, /BYDAY goes with FREQ=WEEKLY only/],
      ['WEEKLY without BYDAY', { trigger: { properties: { pattern: ['FREQ=WEEKLY;BYHOUR=2;BYMINUTE=00'] } } }, /needs BYDAY/],
      ['hour 24', { trigger: { properties: { pattern: ['FREQ=DAILY;BYHOUR=24;BYMINUTE=00'] } } }, /BYHOUR must be 0-23/],
      ['unknown key', { trigger: { properties: { pattern: ['FREQ=DAILY;BYHOUR=2;BYMINUTE=00;COUNT=3'] } } }, /COUNT is not supported/],
      ['lower case', { trigger: { properties: { pattern: ['freq=daily;byhour=2;byminute=00'] } } }, /not KEY=VALUE/],
      ['max_backups 0', { operation_definition: { max_backups: 0 } }, /max_backups must be an integer from 1 to 99999 or -1/],
      ['days and count', { operation_definition: { max_backups: 3, retention_duration_days: 7 } }, /cannot be combined/],
      ['periodic without timezone', { operation_definition: { day_backups: 3 } }, /need a timezone/],
      ['bad timezone', { operation_definition: { max_backups: 3, timezone: 'UTC+1' } }, /timezone must be UTC\+HH:00/],
      ['bad name', { name: 'has space' }, /policy\.name must be 1-64 of/],
      ['bad type', { operation_type: 'archive' }, /operation_type must be one of/],
    ];
    for (const [name, extra, message] of cases) {
      const r = await call(em, 'POST', v3('/policies'), { body: policyBody('p', extra) });
      expect([name, r.status, r.json.error_code]).toEqual([name, 400, 'BackupService.9900']);
      expect(r.json.error_msg).toMatch(message);
    }
  });

  test('P4 changes only what is given and merges operation_definition; operation_type cannot change', async () => {
    const id = await createCbrPolicy(em, 'before');
    const r = await call(em, 'PUT', v3(`/policies/${id}`), { body: { policy: { name: 'after', enabled: false, operation_definition: { day_backups: 2, timezone: 'UTC+08:00' } } } });
    expect(r.status).toBe(200);
    expect(r.json.policy).toMatchObject({ name: 'after', enabled: false, operation_definition: { max_backups: 7, day_backups: 2, timezone: 'UTC+08:00' } });
    const swap = await call(em, 'PUT', v3(`/policies/${id}`), { body: { policy: { operation_definition: { retention_duration_days: 30 } } } });
    expect(cbrCode(swap)).toEqual([400, 'BackupService.9900']);
    const days = await call(em, 'PUT', v3(`/policies/${id}`), { body: { policy: { operation_definition: { retention_duration_days: 30, max_backups: -1, day_backups: 0 } } } });
    expect(days.json.policy.operation_definition).toMatchObject({ retention_duration_days: 30, max_backups: -1 });
    expect(cbrCode(await call(em, 'PUT', v3(`/policies/${id}`), { body: { policy: { operation_type: 'replication' } } }))).toEqual([400, 'BackupService.9900']);
    expect(cbrCode(await call(em, 'PUT', v3(`/policies/${randomUUID()}`), { body: { policy: { name: 'x' } } }))).toEqual([404, 'BackupService.6000']);
  });

  test('P5 deletes a policy still applied to a vault and unbinds it (204, then 404); 32 backup policies per project (400 6001)', async () => {
    const id = await createCbrPolicy(em, 'applied');
    const vault = await createVault(em);
    await call(em, 'POST', v3(`/vaults/${vault.id}/associatepolicy`), { body: { policy_id: id } });
    expect((await call(em, 'DELETE', v3(`/policies/${id}`))).status).toBe(204);
    expect(cbrCode(await call(em, 'GET', v3(`/policies/${id}`)))).toEqual([404, 'BackupService.6000']);
    expect((await call(em, 'GET', v3(`/vaults?policy_id=${id}`))).json.count).toBe(0);
    for (let i = 0; i < 32; i++) await createCbrPolicy(em, `p${i}`);
    expect(cbrCode(await call(em, 'POST', v3('/policies'), { body: policyBody('one-too-many') }))).toEqual([400, 'BackupService.6001']);
  });
});
