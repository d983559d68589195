/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON, whose paths the tests read freely */
/**
 * One table of connection inputs, checked on both sides of the hook: what synth refuses the hook
 * and the client refuse too (with the input named as each side's user writes it), and what
 * synth accepts the hook accepts and turns into the documented hosts.
 *
 * The expected host names are written here by hand from the endpoint tables of the API fact
 * sheets (VBS: endpoints per cloud; CBR: endpoints and API version; IAM: password login), never
 * computed by the code under test.
 */
import { createClient } from '../../src/cli/ports';
import { readHookConnection, readPolicyRef, readTriggerInputs } from '../../src/cli/hook-env';
import { Cloud, Credentials, VbsClient, VbsClientOptions } from '../../src/client';
import { checkPolicyId, deriveCloud, iamUrlFor, resolveEndpoint } from '../../src/client/endpoints';
import { validateConnection, BackupConnection } from '../../src/core/connection';
import { BackupPolicy } from '../../src/policy';
import { BackupPolicyTrigger } from '../../src/trigger';
import { FRAMEWORK_NAMES, hookEnvironment as resolvedEnvironment, localExecs, POLICY_ID, PROJECT_ID, synthJson, under } from './synth';

/** What the apply environment holds besides the hook's own variables. */
const APPLY_ENV = { HW_AUTH_TOKEN: 'a-token', HW_PROJECT_ID: PROJECT_ID };

/** The hook variables of one connection field, and the client option. */
const HOOK_VARIABLE: Record<keyof BackupConnection, string> = {
  region: 'VBS_HOOK_REGION',
  endpoint: 'VBS_HOOK_ENDPOINT',
  projectId: 'VBS_HOOK_PROJECT_ID',
  cloud: 'VBS_HOOK_CLOUD',
};

/** [prop, value, problem as it follows the value]: each refused at synth, by the hook and by the client. */
const MALFORMED: [keyof BackupConnection, string, string][] = [
  ['region', 'eu-', 'is not a region name'],
  ['region', 'eu--de', 'is not a region name'],
  ['region', '-eu-de', 'is not a region name'],
  ['region', 'EU-DE', 'is not a region name'],
  ['region', 'eu de', 'is not a region name'],
  ['region', 'eu_de', 'is not a region name'],
  ['region', 'eu-de.evil.com/x', 'is not a region name'],
  ['region', 'a'.repeat(64), 'is not a region name'],
  ['endpoint', 'http://example.com', 'is plain http on "example.com", which is not a loopback host'],
  ['endpoint', 'http://10.0.0.1:8787', 'is plain http on "10.0.0.1", which is not a loopback host'],
  ['endpoint', 'http://127.0.0.1.evil.com', 'is plain http on "127.0.0.1.evil.com", which is not a loopback host'],
  ['endpoint', 'ftp://127.0.0.1:8787', 'is not an http(s) URL'],
  ['endpoint', 'not a url', 'is not an http(s) URL'],
  ['endpoint', '127.0.0.1:8787/v2', 'is not an http(s) URL'],
  ['endpoint', 'https://user:secret@vbs.eu-de.otc.t-systems.com', 'contains user info (user:password@)'],
  ['endpoint', 'https://vbs.eu-de.otc.t-systems.com/?x=1', 'has a query or fragment'],
  ['endpoint', 'https://vbs.eu-de.otc.t-systems.com/#x', 'has a query or fragment'],
  ['projectId', 'abc', 'is not a project id'],
  ['projectId', 'g'.repeat(32), 'is not a project id'],
  ['projectId', 'a'.repeat(33), 'is not a project id'],
  ['projectId', '../../x', 'is not a project id'],
  ['cloud', 'aws', 'is not a cloud'],
  ['cloud', 'OTC', 'is not a cloud'],
  ['cloud', 'huawei', 'is not a cloud'],
];

/** [region, cloud, problem]: a cloud that does not serve a region of another, refused on `cloud`. */
const CONTRADICTIONS: [string, Cloud, string][] = [
  ['eu-de', 'huaweicloud', 'is not a cloud of region "eu-de"; allowed: "otc" (Open Telekom Cloud) for that region'],
  ['eu-nl', 'flexibleengine', 'is not a cloud of region "eu-nl"; allowed: "otc" (Open Telekom Cloud) for that region'],
  ['cn-north-4', 'otc', 'is not a cloud of region "cn-north-4"; allowed: "huaweicloud" (Huawei Cloud) for that region'],
  ['eu-west-101', 'otc', 'is not a cloud of region "eu-west-101"; allowed: "huaweicloud" (Huawei Cloud) for that region'],
  ['eu-west-0', 'otc', 'is not a cloud of region "eu-west-0"; allowed: "flexibleengine" (Flexible Engine) or "huaweicloud" (Huawei Cloud) for that region'],
];

/** Huawei Cloud regions of the CBR endpoint table (and of the VBS one: cn-north-1, cn-north-4, cn-east-3, ap-southeast-1). */
const HUAWEI_REGIONS = [
  'cn-north-1', 'cn-north-2', 'cn-north-4', 'cn-north-9', 'cn-south-1', 'cn-south-2', 'cn-south-4', 'cn-east-2', 'cn-east-3',
  'cn-southwest-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'af-south-1', 'sa-brazil-1',
  'la-north-2', 'la-south-2', 'na-mexico-1', 'tr-west-1', 'me-east-1', 'ae-ad-1',
];

/** [region, cloud set (only where the region needs one), VBS host, CBR host, IAM host]. */
const REGIONS: [string, Cloud | undefined, string, string, string][] = [
  // Huawei Cloud: `https://{service}.{region}.myhuaweicloud.com`; IAM `iam.{region}.myhuaweicloud.com`.
  ...HUAWEI_REGIONS.map((r): [string, undefined, string, string, string] => [
    r, undefined, `vbs.${r}.myhuaweicloud.com`, `cbr.${r}.myhuaweicloud.com`, `iam.${r}.myhuaweicloud.com`,
  ]),
  // Huawei Cloud Europe (Dublin) is on the .eu domain, and logs in at the global .eu IAM.
  ['eu-west-101', undefined, 'vbs.eu-west-101.myhuaweicloud.eu', 'cbr.eu-west-101.myhuaweicloud.eu', 'iam.myhuaweicloud.eu'],
  // Open Telekom Cloud (VBS is listed for eu-de; CBR and IAM for both).
  ['eu-de', undefined, 'vbs.eu-de.otc.t-systems.com', 'cbr.eu-de.otc.t-systems.com', 'iam.eu-de.otc.t-systems.com'],
  ['eu-nl', undefined, 'vbs.eu-nl.otc.t-systems.com', 'cbr.eu-nl.otc.t-systems.com', 'iam.eu-nl.otc.t-systems.com'],
  // Flexible Engine: `<svc>.<region>.prod-cloud-ocb.orange-business.com`; eu-west-0 is Huawei Cloud's too.
  ['eu-west-0', 'flexibleengine', 'vbs.eu-west-0.prod-cloud-ocb.orange-business.com', 'cbr.eu-west-0.prod-cloud-ocb.orange-business.com', 'iam.eu-west-0.prod-cloud-ocb.orange-business.com'],
  ['eu-west-0', 'huaweicloud', 'vbs.eu-west-0.myhuaweicloud.com', 'cbr.eu-west-0.myhuaweicloud.com', 'iam.eu-west-0.myhuaweicloud.com'],
  ['eu-west-1', undefined, 'vbs.eu-west-1.prod-cloud-ocb.orange-business.com', 'cbr.eu-west-1.prod-cloud-ocb.orange-business.com', 'iam.eu-west-1.prod-cloud-ocb.orange-business.com'],
  ['na-east-0', undefined, 'vbs.na-east-0.prod-cloud-ocb.orange-business.com', 'cbr.na-east-0.prod-cloud-ocb.orange-business.com', 'iam.na-east-0.prod-cloud-ocb.orange-business.com'],
];

describe.each(FRAMEWORK_NAMES)('connection inputs under %s', (framework) => {
  const { newStack, hook } = under(framework);

  /** A trigger of an existing policy with `connection` on the trigger, in a fresh stack. */
  function trigger(connection: BackupConnection, policyConnection?: BackupConnection) {
    const stack = newStack();
    const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID, policyConnection);
    new BackupPolicyTrigger(stack, 'Backup', { policy, connection });
    return stack;
  }

  /** The environment the trigger's create hook runs with: its own variables, `self` references resolved. */
  function hookEnvironment(stack: ReturnType<typeof newStack>): Record<string, string> {
    const json = synthJson(stack);
    const runs: Record<string, string>[] = Object.values(json.resource?.[hook.type] ?? {}).flatMap((resource: any) =>
      localExecs(resource)
        .filter((exec: any) => exec?.when !== 'destroy')
        .map((exec: any) => resolvedEnvironment(resource, exec))
        .filter((environment: Record<string, string>) => environment.VBS_HOOK_POLICY_ID !== undefined),
    );
    expect(runs).toHaveLength(1);
    return runs[0];
  }

  describe('malformed input: refused at synth naming the prop, and by the hook and the client', () => {
    test.each(MALFORMED)('connection.%s %j', (prop, value, problem) => {
      const given = JSON.stringify(value);
      const connection = { [prop]: value } as BackupConnection;
      expect(() => trigger(connection)).toThrow(`stack/Backup: connection.${prop} ${given} ${problem}; allowed: `);
      expect(() => BackupPolicy.fromPolicyName(newStack(), 'P', 'nightly', connection)).toThrow(`stack/P: connection.${prop} ${given} ${problem}`);
      expect(() => readHookConnection('hook-trigger', { [HOOK_VARIABLE[prop]]: value })).toThrow(`${HOOK_VARIABLE[prop]} ${given} ${problem}; allowed: `);
      const options = { endpoint: 'http://127.0.0.1:1', projectId: PROJECT_ID, credentials: Credentials.token('t'), env: {}, ...connection } as VbsClientOptions; // a malformed cloud on purpose
      expect(() => new VbsClient(options)).toThrow(`option ${prop} ${given} ${problem}; allowed: `);
    });

    test.each(CONTRADICTIONS)('region %s with cloud %s', (region, cloud, problem) => {
      const message = `connection.cloud "${cloud}" ${problem}`;
      expect(() => trigger({ region, cloud })).toThrow(`stack/Backup: ${message}`);
      // The pair the hook will use, made of the trigger's region and its policy's cloud.
      expect(() => trigger({ region }, { cloud })).toThrow(`stack/Backup: the policy's ${message}`);
      expect(() => createClient({ region, cloud }, APPLY_ENV)).toThrow(`option cloud "${cloud}" ${problem}`);
      expect(() => createClient({ region }, { ...APPLY_ENV, VBS_CLOUD: cloud })).toThrow(`VBS_CLOUD "${cloud}" ${problem}`);
    });

    test('an empty region is refused at synth; the hook and the client read an empty variable as unset', () => {
      expect(() => trigger({ region: '' })).toThrow('stack/Backup: connection.region "" is not a region name');
      expect(readHookConnection('hook-trigger', { VBS_HOOK_REGION: '' }).region).toBeUndefined();
    });

    test('ids: a policy id that is not a UUID is refused at synth, by the hook and by the client', () => {
      expect(() => BackupPolicy.fromPolicyId(newStack(), 'P', 'not-a-uuid')).toThrow('stack/P: policyId "not-a-uuid" is not a backup policy id');
      expect(() => readPolicyRef('hook-trigger', { VBS_HOOK_POLICY_ID: 'not-a-uuid' })).toThrow(/VBS_HOOK_POLICY_ID must be a policy UUID/);
      expect(() => checkPolicyId('not-a-uuid', 'executePolicy')).toThrow(/policy id "not-a-uuid" is not a UUID/);
    });

    test('a project id in upper case: a stack must write it in lower case; the hook and the client take it and lower it', () => {
      const upper = PROJECT_ID.toUpperCase();
      expect(() => trigger({ projectId: upper })).toThrow(`connection.projectId "${upper}" is not a project id; allowed: 32 lower-case hex characters`);
      expect(readHookConnection('hook-trigger', { VBS_HOOK_PROJECT_ID: upper }).projectId).toBe(upper);
      expect(createClient({ region: 'eu-de', projectId: upper }, APPLY_ENV).projectId).toBe(PROJECT_ID);
    });
  });

  describe('every documented region: accepted by synth and by the hook, with the documented hosts', () => {
    test.each(REGIONS)('%s (cloud %s)', async (region, cloud, vbs, cbr, iam) => {
      const connection: BackupConnection = cloud ? { region, cloud, projectId: PROJECT_ID } : { region, projectId: PROJECT_ID };
      const env = hookEnvironment(trigger(connection));
      expect(env).toMatchObject({ VBS_HOOK_REGION: region, VBS_HOOK_PROJECT_ID: PROJECT_ID });
      expect(env.VBS_HOOK_CLOUD).toBe(cloud);

      const inputs = readTriggerInputs('hook-trigger', env);
      expect(inputs.connection).toEqual(connection);
      const client = createClient(inputs.connection, APPLY_ENV);
      try {
        expect(client.endpoint).toBe(`https://${vbs}`);
      } finally {
        await client.close();
      }
      const { region: r, cloud: c } = inputs.connection;
      expect(resolveEndpoint({ service: 'cbr', region: r, cloud: c, env: {} })).toBe(`https://${cbr}`);
      // What a password login derives when no HW_AUTH_URL is set (VbsClient's token URL).
      expect(iamUrlFor(deriveCloud({ region: r, cloud: c, env: {} }), r)).toBe(`https://${iam}`);
    });

    test('eu-west-0 without a cloud passes synth (VBS_CLOUD may name it where terraform apply runs); the hook fails naming both clouds', async () => {
      const env = hookEnvironment(trigger({ region: 'eu-west-0' }));
      const inputs = readTriggerInputs('hook-trigger', env);
      expect(() => createClient(inputs.connection, APPLY_ENV)).toThrow(
        'option region "eu-west-0" is a region of 2 clouds, Flexible Engine and Huawei Cloud, and no cloud is set; ' +
          'allowed: set the cloud to "flexibleengine" (Flexible Engine) or "huaweicloud" (Huawei Cloud)',
      );
      const fromVariable = createClient(inputs.connection, { ...APPLY_ENV, VBS_CLOUD: 'flexibleengine' });
      expect(fromVariable.endpoint).toBe('https://vbs.eu-west-0.prod-cloud-ocb.orange-business.com');
      await fromVariable.close();
      // The construct's cloud wins over VBS_CLOUD.
      const fromConstruct = createClient(readTriggerInputs('hook-trigger', hookEnvironment(trigger({ region: 'eu-west-0', cloud: 'huaweicloud' }))).connection, {
        ...APPLY_ENV,
        VBS_CLOUD: 'flexibleengine',
      });
      expect(fromConstruct.endpoint).toBe('https://vbs.eu-west-0.myhuaweicloud.com');
      await fromConstruct.close();
    });

    test('eu-ch2 (Open Telekom Cloud Swiss, no documented hosts): accepted with an endpoint; nothing derived without one', async () => {
      const endpoint = 'https://vbs.example.test';
      const inputs = readTriggerInputs('hook-trigger', hookEnvironment(trigger({ region: 'eu-ch2', endpoint })));
      const client = createClient(inputs.connection, APPLY_ENV);
      expect(client.endpoint).toBe(endpoint);
      await client.close();
      expect(() => validateConnection(newStack(), { region: 'eu-ch2' })).not.toThrow();
      expect(() => createClient({ region: 'eu-ch2' }, APPLY_ENV)).toThrow(
        'option region "eu-ch2" is a region of Open Telekom Cloud Swiss, whose host names are not derived here; allowed: give the endpoint',
      );
    });
  });
});
